// RUN: omc-opt %s --onnx-shape-inference | FileCheck %s

// A shape computed from Shape(x) while x has dynamic dims (what torch exports for GPT-2):
// the entries naming x's static dims are known, the others are dynamic dims, and the
// Reshape keeps its rank.
// CHECK-LABEL: func.func @reshape_from_shape
// CHECK-SAME: -> tensor<?x?x2x32xf32>
// CHECK: onnx.Reshape {{.*}} -> tensor<?x?x2x32xf32>
func.func @reshape_from_shape(%x: tensor<?x?x64xf32>) -> tensor<*xf32> {
  %i0 = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %i1 = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %axes = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %heads = onnx.Constant {value = dense<2> : tensor<1xi64>} : tensor<1xi64>
  %depth = onnx.Constant {value = dense<32> : tensor<1xi64>} : tensor<1xi64>
  %s = onnx.Shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %b = onnx.Gather %s, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %n = onnx.Gather %s, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %bu = onnx.Unsqueeze %b, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %nu = onnx.Unsqueeze %n, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %shape = onnx.Concat %bu, %nu, %heads, %depth {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %r = onnx.Reshape %x, %shape : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// An entry that is a static dim of x becomes a constant: [-1, x.shape[-1]] is [-1, 64].
// CHECK-LABEL: func.func @known_entry
// CHECK: %[[SHAPE:.*]] = onnx.Constant {value = dense<[-1, 64]> : tensor<2xi64>}
// CHECK: onnx.Reshape %arg0, %[[SHAPE]] {{.*}} -> tensor<?x64xf32>
func.func @known_entry(%x: tensor<?x?x64xf32>) -> tensor<*xf32> {
  %minus = onnx.Constant {value = dense<-1> : tensor<1xi64>} : tensor<1xi64>
  %big = onnx.Constant {value = dense<9223372036854775807> : tensor<1xi64>} : tensor<1xi64>
  %axes = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %none = onnx.NoValue
  %s = onnx.Shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %last = onnx.Slice %s, %minus, %big, %axes, %none : (tensor<3xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1xi64>
  %shape = onnx.Concat %minus, %last {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %r = onnx.Reshape %x, %shape : (tensor<?x?x64xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %r : tensor<*xf32>
}

// Slice bounds known only when the model runs: only the sliced axes become dynamic.
// CHECK-LABEL: func.func @slice_runtime_bounds
// CHECK: onnx.Slice {{.*}} -> tensor<1x1x?x?xi1>
func.func @slice_runtime_bounds(%m: tensor<1x1x64x64xi1>, %start: tensor<2xi64>, %end: tensor<2xi64>) -> tensor<*xi1> {
  %axes = onnx.Constant {value = dense<[2, 3]> : tensor<2xi64>} : tensor<2xi64>
  %none = onnx.NoValue
  %r = onnx.Slice %m, %start, %end, %axes, %none : (tensor<1x1x64x64xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, none) -> tensor<*xi1>
  return %r : tensor<*xi1>
}
