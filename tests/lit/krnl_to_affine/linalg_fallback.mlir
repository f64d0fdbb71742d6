// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-krnl-to-affine --canonicalize | FileCheck %s

// Linalg ops that no target pass lowered (no omc.matmul_config, or a target without
// one) become plain affine loops.
// CHECK-LABEL: func.func @fill_and_matmul
// CHECK-NOT: linalg.
// CHECK: affine.for %{{.*}} = 0 to 4
// CHECK-NEXT: affine.for %{{.*}} = 0 to 5
// CHECK-NEXT: affine.store
// CHECK: affine.for %[[I:.*]] = 0 to 4
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 5
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 3
// CHECK-NEXT: affine.load %arg0[%[[I]], %[[K]]]
// CHECK-NEXT: affine.load %arg1[%[[K]], %[[J]]]
// CHECK-NEXT: affine.load %arg2[%[[I]], %[[J]]]
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: affine.store %{{.*}}, %arg2[%[[I]], %[[J]]]
func.func @fill_and_matmul(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// A matmul's relu epilogue: loops over C after the product's, C = max(C, 0).
// CHECK-LABEL: func.func @matmul_relu
// CHECK: affine.for %{{.*}} = 0 to 3
// CHECK: arith.addf
// CHECK: affine.for %[[I:.*]] = 0 to 4
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 5
// CHECK-NEXT: %[[V:.*]] = affine.load %arg2[%[[I]], %[[J]]]
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[V]], %{{.*}} : f32
// CHECK-NEXT: affine.store %[[R]], %arg2[%[[I]], %[[J]]]
func.func @matmul_relu(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul {omc.epilogue = "relu"} ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

func.func @matmul_unknown_epilogue(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  // expected-error @+1 {{has an unknown omc.epilogue "gelu"}}
  linalg.matmul {omc.epilogue = "gelu"} ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// krnl.matmul_panels that no target pass lowered: loops that start C from the bias, loops
// that read B at panels[n floordiv 4, k, n mod 4], then its epilogue.
// CHECK-LABEL: func.func @panels_relu
// CHECK-NOT: krnl.matmul_panels
// CHECK: affine.for %[[I0:.*]] = 0 to 3
// CHECK-NEXT: affine.for %[[J0:.*]] = 0 to 6
// CHECK-NEXT: %[[B:.*]] = affine.load %arg3[%[[I0]]]
// CHECK-NEXT: affine.store %[[B]], %arg2[%[[I0]], %[[J0]]]
// CHECK: affine.for %[[I:.*]] = 0 to 3
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 6
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 2
// CHECK-NEXT: affine.load %arg0[%[[I]], %[[K]]]
// CHECK-NEXT: affine.load %arg1[%[[J]] floordiv 4, %[[K]], %[[J]] mod 4]
// CHECK-NEXT: affine.load %arg2[%[[I]], %[[J]]]
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: affine.store %{{.*}}, %arg2[%[[I]], %[[J]]]
// CHECK: arith.maximumf
func.func @panels_relu(%a: memref<3x2xf32>, %p: memref<2x2x4xf32>, %c: memref<3x6xf32>,
                       %bias: memref<3xf32>) {
  krnl.matmul_panels %a, %p, %c bias(%bias : memref<3xf32>) {omc.epilogue = "relu"}
    : memref<3x2xf32>, memref<2x2x4xf32>, memref<3x6xf32>
  return
}

// -----

// Without a bias, C starts at 0.
// CHECK-LABEL: func.func @panels_no_bias
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: affine.for %[[I0:.*]] = 0 to 3
// CHECK-NEXT: affine.for %[[J0:.*]] = 0 to 6
// CHECK-NEXT: affine.store %[[ZERO]], %arg2[%[[I0]], %[[J0]]]
func.func @panels_no_bias(%a: memref<3x2xf32>, %p: memref<2x2x4xf32>, %c: memref<3x6xf32>) {
  krnl.matmul_panels %a, %p, %c : memref<3x2xf32>, memref<2x2x4xf32>, memref<3x6xf32>
  return
}

// -----

// An addend (a residual connection) joins the bias in C's start, before the products.
// CHECK-LABEL: func.func @panels_addend
// CHECK: affine.for %[[I0:.*]] = 0 to 3
// CHECK-NEXT: affine.for %[[J0:.*]] = 0 to 6
// CHECK-NEXT: %[[B:.*]] = affine.load %arg3[%[[I0]]]
// CHECK-NEXT: %[[Z:.*]] = affine.load %arg4[%[[I0]], %[[J0]]]
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[B]], %[[Z]]
// CHECK-NEXT: affine.store %[[S]], %arg2[%[[I0]], %[[J0]]]
// CHECK: affine.for
// CHECK: arith.maximumf
func.func @panels_addend(%a: memref<3x2xf32>, %p: memref<2x2x4xf32>, %c: memref<3x6xf32>,
                         %bias: memref<3xf32>, %z: memref<3x6xf32>) {
  krnl.matmul_panels %a, %p, %c bias(%bias : memref<3xf32>) addend(%z : memref<3x6xf32>)
    {omc.epilogue = "relu"} : memref<3x2xf32>, memref<2x2x4xf32>, memref<3x6xf32>
  return
}

// -----

// A "relu6" epilogue: max(C, 0), then min(that, 6), after the loops.
// CHECK-LABEL: func.func @panels_relu6
// CHECK: arith.addf
// CHECK: %[[V:.*]] = affine.load %arg2
// CHECK-NEXT: %[[MAX:.*]] = arith.maximumf %[[V]], %{{.*}}
// CHECK-NEXT: %[[MIN:.*]] = arith.minimumf %[[MAX]], %{{.*}}
// CHECK-NEXT: affine.store %[[MIN]], %arg2
func.func @panels_relu6(%a: memref<3x2xf32>, %p: memref<2x2x4xf32>, %c: memref<3x6xf32>) {
  krnl.matmul_panels %a, %p, %c {omc.epilogue = "relu6"}
    : memref<3x2xf32>, memref<2x2x4xf32>, memref<3x6xf32>
  return
}
