// RUN: omc-opt %s --canonicalize | FileCheck %s

// Identity folds away.
// CHECK-LABEL: func.func @identity
// CHECK-NEXT: return %arg0
func.func @identity(%a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = onnx.Identity %a : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// The shape of a transpose is its input's, gathered by the permutation; the transpose,
// read by nothing else, goes (GPT-2's keys, transposed once only for a Shape).
// CHECK-LABEL: func.func @shape_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x12x64xf32>)
// CHECK-NOT: onnx.Transpose
// CHECK: %[[PERM:.*]] = onnx.Constant {value = dense<[0, 2, 1, 3]> : tensor<4xi64>}
// CHECK-NEXT: %[[SHAPE:.*]] = onnx.Shape %[[X]] : (tensor<?x?x12x64xf32>) -> tensor<4xi64>
// CHECK-NEXT: %[[DIMS:.*]] = onnx.Gather %[[SHAPE]], %[[PERM]] :
// CHECK-NEXT: return %[[DIMS]]
func.func @shape_of_transpose(%x: tensor<?x?x12x64xf32>) -> tensor<4xi64> {
  %t = onnx.Transpose %x {perm = [0, 2, 1, 3]} : (tensor<?x?x12x64xf32>) -> tensor<?x12x?x64xf32>
  %s = onnx.Shape %t : (tensor<?x12x?x64xf32>) -> tensor<4xi64>
  return %s : tensor<4xi64>
}

// With start, the slice of the permutation: without perm, the dims reversed, so the last
// two of [2, 1, 0].
// CHECK-LABEL: func.func @shape_of_transpose_slice
// CHECK-NOT: onnx.Transpose
// CHECK: onnx.Constant {value = dense<[1, 0]> : tensor<2xi64>}
// CHECK-NOT: onnx.Transpose
func.func @shape_of_transpose_slice(%x: tensor<?x?x?xf32>) -> tensor<2xi64> {
  %t = onnx.Transpose %x : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %c = onnx.Shape %t {start = -2 : si64} : (tensor<?x?x?xf32>) -> tensor<2xi64>
  return %c : tensor<2xi64>
}
