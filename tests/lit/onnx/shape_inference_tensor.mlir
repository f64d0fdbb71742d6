// RUN: omc-opt %s --onnx-shape-inference | FileCheck %s

// Shape manipulation ops reach static results from static inputs and constant operands.

// CHECK-LABEL: func.func @reshape_minus_one_and_zero
// CHECK: onnx.Reshape {{.*}} -> tensor<2x3x4xf32>
func.func @reshape_minus_one_and_zero(%a: tensor<2x12xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant {value = dense<[0, 3, -1]> : tensor<3xi64>} : tensor<3xi64>
  %0 = onnx.Reshape %a, %shape : (tensor<2x12xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func.func @transpose_perm
// CHECK: onnx.Transpose {{.*}} -> tensor<4x2x3xf32>
func.func @transpose_perm(%a: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %0 = onnx.Transpose %a {perm = [2, 0, 1]} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func.func @unsqueeze_squeeze
// CHECK: onnx.Unsqueeze {{.*}} -> tensor<1x3x1x4xf32>
// CHECK: onnx.Squeeze {{.*}} -> tensor<3x4xf32>
func.func @unsqueeze_squeeze(%a: tensor<3x4xf32>) -> tensor<*xf32> {
  %axes = onnx.Constant {value = dense<[0, -2]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Unsqueeze %a, %axes : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  %1 = onnx.Squeeze %0, %axes : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// CHECK-LABEL: func.func @concat_gather
// CHECK: onnx.Concat {{.*}} -> tensor<2x7xf32>
// CHECK: onnx.Gather {{.*}} -> tensor<2x5x2xf32>
func.func @concat_gather(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>, %i: tensor<5x2xi64>) -> tensor<*xf32> {
  %0 = onnx.Concat %a, %b {axis = -1 : si64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<*xf32>
  %1 = onnx.Gather %0, %i {axis = 1 : si64} : (tensor<*xf32>, tensor<5x2xi64>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// CHECK-LABEL: func.func @slice_split
// CHECK: onnx.Slice {{.*}} -> tensor<2x3xf32>
// CHECK: onnx.Split {{.*}} -> (tensor<2x1xf32>, tensor<2x2xf32>)
func.func @slice_split(%a: tensor<4x10xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %starts = onnx.Constant {value = dense<[1, 9]> : tensor<2xi64>} : tensor<2xi64>
  %ends = onnx.Constant {value = dense<[3, 3]> : tensor<2xi64>} : tensor<2xi64>
  %steps = onnx.Constant {value = dense<[1, -2]> : tensor<2xi64>} : tensor<2xi64>
  %none = onnx.NoValue
  %0 = onnx.Slice %a, %starts, %ends, %none, %steps : (tensor<4x10xf32>, tensor<2xi64>, tensor<2xi64>, none, tensor<2xi64>) -> tensor<*xf32>
  %split = onnx.Constant {value = dense<[1, 2]> : tensor<2xi64>} : tensor<2xi64>
  %1:2 = onnx.Split %0, %split {axis = 1 : si64} : (tensor<*xf32>, tensor<2xi64>) -> (tensor<*xf32>, tensor<*xf32>)
  return %1#0, %1#1 : tensor<*xf32>, tensor<*xf32>
}

// CHECK-LABEL: func.func @reduce_keepdims
// CHECK: onnx.ReduceMean {{.*}} -> tensor<2x1xf32>
// CHECK: onnx.ReduceSum {{.*}} -> tensor<3xf32>
func.func @reduce_keepdims(%a: tensor<2x3xf32>) -> (tensor<*xf32>, tensor<*xf32>) {
  %0 = onnx.ReduceMean %a {axes = [-1]} : (tensor<2x3xf32>) -> tensor<*xf32>
  %axes = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %1 = onnx.ReduceSum %a, %axes {keepdims = 0 : si64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<*xf32>
  return %0, %1 : tensor<*xf32>, tensor<*xf32>
}

// Elementwise ops keep their input's shape and their own element type.
// CHECK-LABEL: func.func @unary_and_where
// CHECK: onnx.Tanh {{.*}} -> tensor<2x3xf32>
// CHECK: onnx.Less {{.*}} -> tensor<2x3xi1>
// CHECK: onnx.Where {{.*}} -> tensor<4x2x3xf32>
func.func @unary_and_where(%a: tensor<2x3xf32>, %b: tensor<4x1x1xf32>) -> tensor<*xf32> {
  %0 = onnx.Tanh %a : (tensor<2x3xf32>) -> tensor<*xf32>
  %1 = onnx.Less %0, %a : (tensor<*xf32>, tensor<2x3xf32>) -> tensor<*xi1>
  %2 = onnx.Where %1, %0, %b : (tensor<*xi1>, tensor<*xf32>, tensor<4x1x1xf32>) -> tensor<*xf32>
  return %2 : tensor<*xf32>
}

// A Reshape whose shape is computed from another tensor's Shape becomes static once
// the folder has turned the computation into a constant.
// CHECK-LABEL: func.func @shape_chain
// CHECK-SAME: -> tensor<2x3x4xf32>
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Concat
// CHECK: onnx.Reshape {{.*}} -> tensor<2x3x4xf32>
func.func @shape_chain(%a: tensor<2x12xf32>, %b: tensor<?x3x4xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %a : (tensor<2x12xf32>) -> tensor<2xi64>
  %zero = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %batch = onnx.Gather %shape, %zero {axis = 0 : si64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %axes = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %batch1 = onnx.Unsqueeze %batch, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = onnx.Constant {value = dense<[3, -1]> : tensor<2xi64>} : tensor<2xi64>
  %target = onnx.Concat %batch1, %rest {axis = 0 : si64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %0 = onnx.Reshape %a, %target : (tensor<2x12xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// CHECK-LABEL: func.func @contradiction
func.func @contradiction(%a: tensor<2x3xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Relu {{.*}} -> tensor<2x3xf32>
  %0 = onnx.Relu %a : (tensor<2x3xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
