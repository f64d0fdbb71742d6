// RUN: omc-opt %s --split-input-file --onnx-shape-inference --verify-diagnostics

func.func @reshape_bad_count(%a: tensor<2x5xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant {value = dense<[3, -1]> : tensor<2xi64>} : tensor<2xi64>
  // expected-error @+1 {{cannot reshape 10 elements into a shape with 3 per -1 entry}}
  %0 = onnx.Reshape %a, %shape : (tensor<2x5xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @result_contradicts(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{result dim 1 is 4 but its operands give 3}}
  %0 = onnx.Relu %a : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
