// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A dynamic dim of the result is the operand dim that is not 1; an operand's
// dynamic dim reads index 0 when it is 1 at run time.
// CHECK-LABEL: func.func @dynamic_broadcast
// CHECK-SAME: (%[[A:.*]]: memref<?x4xf32>, %[[B:.*]]: memref<?x4xf32>)
// CHECK-DAG: %[[DA:.*]] = memref.dim %[[A]], %c0
// CHECK-DAG: %[[DB:.*]] = memref.dim %[[B]], %c0
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x4xf32>
// CHECK: krnl.iterate
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: arith.cmpi eq
// CHECK: %[[IA:.*]] = arith.select %{{.*}}, %c0, %[[I]]
// CHECK: krnl.load %[[A]][%[[IA]], %[[J]]]
// CHECK: arith.subf
func.func @dynamic_broadcast(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = onnx.Sub %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// Integer division is signed for signed ONNX types, unsigned for unsigned ones,
// and the buffers of unsigned tensors are signless.
// CHECK-LABEL: func.func @int_div
// CHECK-SAME: memref<5xi32>, %{{.*}}: memref<5xi8>, %{{.*}}: memref<5xi8>
// CHECK: arith.divsi
// CHECK: arith.divui
func.func @int_div(%a: tensor<5xi32>, %b: tensor<5xui8>, %c: tensor<5xui8>) -> (tensor<5xi32>, tensor<5xui8>) {
  %0 = onnx.Div %a, %a : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
  %1 = onnx.Div %b, %c : (tensor<5xui8>, tensor<5xui8>) -> tensor<5xui8>
  return %0, %1 : tensor<5xi32>, tensor<5xui8>
}

// Relu keeps NaN (maximumf) for floats.
// CHECK-LABEL: func.func @relu
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[ZERO]]
func.func @relu(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Relu %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Rank 0: no loops at all.
// CHECK-LABEL: func.func @scalar
// CHECK-NOT: krnl.iterate
// CHECK: krnl.load %{{.*}}[] : memref<f32>
// CHECK: arith.addf
// CHECK: krnl.store %{{.*}}, %{{.*}}[] : memref<f32>
func.func @scalar(%a: tensor<f32>) -> tensor<f32> {
  %0 = onnx.Add %a, %a : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// Where selects; comparisons of unsigned ints are unsigned.
// CHECK-LABEL: func.func @where_compare
// CHECK: arith.cmpi ult
// CHECK: arith.select
func.func @where_compare(%a: tensor<4xui16>, %b: tensor<4xui16>, %x: tensor<4xf32>, %y: tensor<f32>) -> tensor<4xf32> {
  %c = onnx.Less %a, %b : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xi1>
  %0 = onnx.Where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Cast from an unsigned int to float is unsigned; to bool is "not zero".
// CHECK-LABEL: func.func @casts
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.cmpf une
func.func @casts(%a: tensor<3xui8>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi1>) {
  %0 = onnx.Cast %a {to = 1 : si64} : (tensor<3xui8>) -> tensor<3xf32>
  %1 = onnx.Cast %b {to = 9 : si64} : (tensor<3xf32>) -> tensor<3xi1>
  return %0, %1 : tensor<3xf32>, tensor<3xi1>
}

// Clip without a min compares with the max only; NaN stays (comparisons are false).
// CHECK-LABEL: func.func @clip_max_only
// CHECK: krnl.iterate
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK-NOT: arith.select
func.func @clip_max_only(%x: tensor<3xf32>, %hi: tensor<f32>) -> tensor<3xf32> {
  %none = onnx.NoValue
  %0 = onnx.Clip %x, %none, %hi : (tensor<3xf32>, none, tensor<f32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Integer Mod follows the divisor's sign (Python's %), unless fmod = 1.
// CHECK-LABEL: func.func @mod
// CHECK: arith.remsi
// CHECK: arith.xori
// CHECK: arith.addi
// CHECK: arith.select
func.func @mod(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
  %0 = onnx.Mod %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// Math functions go through the math dialect (expanded before LLVM). GELU's tanh form is
// x times the logistic function of 2z, z = sqrt(2 / pi) (x + 0.044715 x^3): x / (1 +
// e^(x (c + 0.044715 c x^2))) for c = -2 sqrt(2 / pi), e's argument clamped at 88 so
// that the division may take the reciprocal's estimate (arcp, ninf).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-DAG: %[[LIMIT:.*]] = arith.constant 8.800000e+01 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[C1:.*]] = arith.constant -1.59576917 : f32
// CHECK-DAG: %[[C3:.*]] = arith.constant -0.0713548139 : f32
// CHECK: %[[X:.*]] = krnl.load
// CHECK-NEXT: %[[SQUARE:.*]] = arith.mulf %[[X]], %[[X]]
// CHECK-NEXT: %[[CUBIC:.*]] = arith.mulf %[[SQUARE]], %[[C3]]
// CHECK-NEXT: %[[FACTOR:.*]] = arith.addf %[[CUBIC]], %[[C1]]
// CHECK-NEXT: %[[ARG:.*]] = arith.mulf %[[X]], %[[FACTOR]]
// CHECK-NEXT: %[[ABOVE:.*]] = arith.cmpf ogt, %[[ARG]], %[[LIMIT]]
// CHECK-NEXT: %[[BOUNDED:.*]] = arith.select %[[ABOVE]], %[[LIMIT]], %[[ARG]]
// CHECK-NEXT: %[[E:.*]] = math.exp %[[BOUNDED]]
// CHECK-NEXT: %[[DENOMINATOR:.*]] = arith.addf %[[E]], %[[ONE]]
// CHECK-NEXT: %[[LOGISTIC:.*]] = arith.divf %[[ONE]], %[[DENOMINATOR]] fastmath<ninf,arcp>
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[X]], %[[LOGISTIC]]
// CHECK-NEXT: krnl.store %[[Y]]
func.func @gelu_tanh(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = onnx.Gelu %x {approximate = "tanh"} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Same static shapes, nothing broadcast: one loop over all 50 elements of row-major views;
// a folded Relu (onnx-fuse-activation) is applied before the store.
// CHECK-LABEL: func.func @flat_add_relu
// CHECK-SAME: (%[[A:.*]]: memref<1x2x5x5xf32>, %[[B:.*]]: memref<1x2x5x5xf32>)
// CHECK-DAG: %[[AV:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [50], strides: [1]
// CHECK-DAG: %[[BV:.*]] = memref.reinterpret_cast %[[B]] to offset: [0], sizes: [50], strides: [1]
// CHECK-DAG: %[[YV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [50], strides: [1]
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c50)
// CHECK-NEXT: ^bb0(%[[I:.*]]: index):
// CHECK: %[[X:.*]] = krnl.load %[[AV]][%[[I]]]
// CHECK: %[[Y:.*]] = krnl.load %[[BV]][%[[I]]]
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[Y]]
// CHECK: %[[R:.*]] = arith.maximumf %[[S]], %{{.*}}
// CHECK: krnl.store %[[R]], %[[YV]][%[[I]]]
func.func @flat_add_relu(%a: tensor<1x2x5x5xf32>, %b: tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> {
  %0 = onnx.Add %a, %b {omc.activation = "relu"} : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}
