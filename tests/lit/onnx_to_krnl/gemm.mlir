// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// transB reads B[j, k]; alpha scales the product, beta scales C, which is
// broadcast from [N].
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<4x3xf32>, %[[C:.*]]: memref<4xf32>)
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: krnl.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT: krnl.load %[[B]][%[[J]], %[[K]]]
// CHECK: krnl.store
// CHECK-NEXT: }
// CHECK-NEXT: %[[V:.*]] = krnl.load %{{.*}}[%[[I]], %[[J]]]
// CHECK-NEXT: %[[SCALED:.*]] = arith.mulf %[[V]], %[[ALPHA]]
// CHECK-NEXT: %[[CV:.*]] = krnl.load %[[C]][%[[J]]]
// CHECK-NEXT: %[[CB:.*]] = arith.mulf %[[CV]], %[[BETA]]
// CHECK-NEXT: arith.addf %[[SCALED]], %[[CB]]
func.func @gemm(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.Gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transB = 1 : si64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// f32 with alpha 1: the result starts as beta * C, then linalg.matmul adds A * B', B' a
// transposed view of B, made first so that what sets the result comes right before the
// product.
// CHECK-LABEL: func.func @gemm_bias
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<4x3xf32>, %[[C:.*]]: memref<4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
// CHECK: %[[BT:.*]] = memref.transpose %[[B]] (d0, d1) -> (d1, d0) : memref<4x3xf32> to memref<3x4xf32, strided<[1, 3]>>
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT: %[[CV:.*]] = krnl.load %[[C]][%[[J]]]
// CHECK-NEXT: %[[CB:.*]] = arith.mulf %[[CV]], %{{.*}}
// CHECK-NEXT: krnl.store %[[CB]], %[[Y]][%[[I]], %[[J]]]
// CHECK: linalg.matmul ins(%[[A]], %[[BT]] : memref<2x3xf32>, memref<3x4xf32, strided<[1, 3]>>) outs(%[[Y]] : memref<2x4xf32>)
func.func @gemm_bias(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.Gemm %a, %b, %c {beta = 2.0 : f32, transB = 1 : si64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// With beta 1 and one bias per column ([N] or [1, N]), the result starts as the bias
// broadcast down the rows, a linalg op right before the product that omc-lower-matmul
// folds into the kernel's first tiles.
// CHECK-LABEL: func.func @gemm_column_bias
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<3x4xf32>, %[[C:.*]]: memref<4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
// CHECK-NEXT: linalg.broadcast ins(%[[C]] : memref<4xf32>) outs(%[[Y]] : memref<2x4xf32>) dimensions = [0]
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : memref<2x3xf32>, memref<3x4xf32>) outs(%[[Y]] : memref<2x4xf32>)
func.func @gemm_column_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.Gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @gemm_row_of_bias
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<3x4xf32>, %[[C:.*]]: memref<1x4xf32>)
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[C]] to offset: [0], sizes: [4], strides: [1] : memref<1x4xf32> to memref<4xf32>
// CHECK-NEXT: linalg.broadcast ins(%[[FLAT]] : memref<4xf32>) outs(%{{.*}} : memref<2x4xf32>) dimensions = [0]
// CHECK-NEXT: linalg.matmul
func.func @gemm_row_of_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<1x4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.Gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Without C there is nothing to add.
// CHECK-LABEL: func.func @gemm_no_c
// CHECK-NOT: onnx.
// CHECK: return
func.func @gemm_no_c(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %none = onnx.NoValue
  %0 = onnx.Gemm %a, %b, %none : (tensor<2x3xf32>, tensor<3x4xf32>, none) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
