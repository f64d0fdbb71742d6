// RUN: omc-opt %s --split-input-file --verify-diagnostics

func.func @no_broadcast(%a: tensor<3x4xf32>, %b: tensor<5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operand shapes [3,4] and [5] cannot broadcast}}
  %0 = onnx.Add %a, %b : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @mixed_types(%a: tensor<3xf32>, %b: tensor<3xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{operands have different element types}}
  %0 = onnx.Sub %a, %b : (tensor<3xf32>, tensor<3xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @matmul_k(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{contraction dims differ: 4 vs 5}}
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gemm_rank(%a: tensor<3xf32>, %b: tensor<3x6xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{A and B must have rank 2}}
  %0 = onnx.Gemm %a, %b, %none : (tensor<3xf32>, tensor<3x6xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @constant_type() -> tensor<2xf32> {
  // expected-error @+1 {{does not match result type}}
  %0 = onnx.Constant {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : tensor<2xf32>
  return %0 : tensor<2xf32>
}
