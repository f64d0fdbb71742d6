// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// A reshape views its contiguous input with the result's dims, since the elements keep
// their row-major order: nothing is copied, but for the caller's own buffer when the view
// is the result.
// CHECK-LABEL: func.func @reshape
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [3, 4], strides: [4, 1] : memref<2x6xf32> to memref<3x4xf32>
// CHECK-NOT: krnl.iterate
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x4xf32>
// CHECK: memref.copy %[[VIEW]], %[[OUT]]
// CHECK: return %[[OUT]]
func.func @reshape(%a: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %shape = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Reshape %a, %shape : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// The next op reads the view itself.
// CHECK-LABEL: func.func @flatten_then_relu
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [2, 12], strides: [12, 1] : memref<2x3x4xf32> to memref<2x12xf32>
// CHECK: krnl.iterate
// CHECK: krnl.load %[[VIEW]]
func.func @flatten_then_relu(%a: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = onnx.Flatten %a {axis = 1 : si64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = onnx.Relu %0 : (tensor<2x12xf32>) -> tensor<2x12xf32>
  return %1 : tensor<2x12xf32>
}

// A Transpose that keeps the input's innermost dim innermost (attention's heads) copies in
// the input's order, each element to its permuted index.
// CHECK-LABEL: func.func @transpose_heads
// CHECK: ^bb0(%[[B:.*]]: index, %[[S:.*]]: index, %[[H:.*]]: index, %[[D:.*]]: index):
// CHECK: %[[V:.*]] = krnl.load %{{.*}}[%[[B]], %[[S]], %[[H]], %[[D]]]
// CHECK: krnl.store %[[V]], %{{.*}}[%[[B]], %[[H]], %[[S]], %[[D]]]
func.func @transpose_heads(%a: tensor<1x5x2x4xf32>) -> tensor<1x2x5x4xf32> {
  %0 = onnx.Transpose %a {perm = [0, 2, 1, 3]} : (tensor<1x5x2x4xf32>) -> tensor<1x2x5x4xf32>
  return %0 : tensor<1x2x5x4xf32>
}

// One that moves it goes by 16 x 16 tiles of the two dims that trade places (here 20 / 16
// and 40 / 16 of them), indices affine; then the strips past the whole tiles: the last
// 20 - 16 rows of the result, all 40 columns; then the last 40 - 32 columns of the others.
// CHECK-LABEL: func.func @transpose
// CHECK: %[[ROWS:.*]] = arith.divui %c20, %c16
// CHECK: %[[WHOLE_ROWS:.*]] = arith.muli %[[ROWS]], %c16
// CHECK: %[[REST_ROWS:.*]] = arith.subi %c20, %[[WHOLE_ROWS]]
// CHECK: %[[COLS:.*]] = arith.divui %c40, %c16
// CHECK: %[[WHOLE_COLS:.*]] = arith.muli %[[COLS]], %c16
// CHECK: %[[REST_COLS:.*]] = arith.subi %c40, %[[WHOLE_COLS]]
// CHECK: to(%c2, %[[ROWS]], %[[COLS]])
// CHECK: ^bb0(%[[B:.*]]: index, %[[TR:.*]]: index, %[[TC:.*]]: index):
// CHECK: to(%c16, %c16)
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: %[[ROW:.*]] = affine.apply #map(%[[TR]], %[[I]])
// CHECK: %[[COL:.*]] = affine.apply #map(%[[TC]], %[[J]])
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[B]], %[[COL]], %[[ROW]]]
// CHECK: krnl.store %[[V]], %{{.*}}[%[[B]], %[[ROW]], %[[COL]]]
// CHECK: to(%c2, %[[REST_ROWS]], %c40)
// CHECK: to(%c2, %[[WHOLE_ROWS]], %[[REST_COLS]])
func.func @transpose(%a: tensor<2x40x20xf32>) -> tensor<2x20x40xf32> {
  %0 = onnx.Transpose %a {perm = [0, 2, 1]} : (tensor<2x40x20xf32>) -> tensor<2x20x40xf32>
  return %0 : tensor<2x20x40xf32>
}

// ReverseSequence reads time step len - 1 - t of each batch's first len steps, the
// rest in place; len is the batch's sequence_lens clamped to the time dim.
// CHECK-LABEL: func.func @reverse_sequence
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x3x2xf32>
// CHECK: ^bb0(%[[T:.*]]: index, %[[B:.*]]: index, %[[K:.*]]: index):
// CHECK: %[[LEN0:.*]] = krnl.load %arg1[%[[B]]] : memref<3xi64>
// CHECK: %[[LEN1:.*]] = arith.index_cast %[[LEN0]] : i64 to index
// CHECK: %[[LEN2:.*]] = arith.maxsi %[[LEN1]], %c0
// CHECK: %[[LEN:.*]] = arith.minsi %[[LEN2]], %c4
// CHECK: %[[LAST:.*]] = arith.subi %[[LEN]], %c1
// CHECK: %[[REV:.*]] = arith.subi %[[LAST]], %[[T]]
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[T]], %[[LEN]]
// CHECK: %[[FROM:.*]] = arith.select %[[IN]], %[[REV]], %[[T]]
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[FROM]], %[[B]], %[[K]]]
// CHECK: krnl.store %[[V]], %[[OUT]][%[[T]], %[[B]], %[[K]]]
func.func @reverse_sequence(%x: tensor<4x3x2xf32>, %lens: tensor<3xi64>) -> tensor<4x3x2xf32> {
  %0 = onnx.ReverseSequence %x, %lens {batch_axis = 1 : si64, time_axis = 0 : si64} : (tensor<4x3x2xf32>, tensor<3xi64>) -> tensor<4x3x2xf32>
  return %0 : tensor<4x3x2xf32>
}

// Gather reads the index, wraps a negative one, checks it, and loads from the data.
// CHECK-LABEL: func.func @gather
// CHECK-SAME: omc.error_messages = ["Gather: an index is out of range for data axis 0"]
// CHECK: arith.index_cast
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK: krnl.load
func.func @gather(%a: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %0 = onnx.Gather %a, %i : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
