// RUN: omc-opt %s --split-input-file --verify-diagnostics

func.func @no_broadcast(%a: tensor<3x4xf32>, %b: tensor<5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operand shapes [3,4] and [5] cannot broadcast}}
  %0 = onnx.Add %a, %b : (tensor<3x4xf32>, tensor<5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @mixed_types(%a: tensor<3xf32>, %b: tensor<3xi64>) -> tensor<*xf32> {
  // expected-error @+1 {{operand #0 and operand #1 must have the same element type (one type parameter of the ONNX schema), got 'f32' and 'i64'}}
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

// -----

// Generated from the schemas: the element types an operand may have.
func.func @relu_int(%a: tensor<3xi1>) -> tensor<3xi1> {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = onnx.Relu %a : (tensor<3xi1>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// A required attribute (Cast's `to`).
func.func @cast_without_to(%a: tensor<3xf32>) -> tensor<3xi64> {
  // expected-error @+1 {{requires attribute 'to'}}
  %0 = onnx.Cast %a : (tensor<3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// An attribute of the wrong ONNX type (axis is an INT).
func.func @softmax_axis_float(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{attribute 'axis' failed to satisfy constraint: 64-bit signed integer attribute}}
  %0 = onnx.Softmax %a {axis = 1.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Concat needs at least one input.
func.func @concat_nothing() -> tensor<*xf32> {
  // expected-error @+1 {{needs at least 1 value(s) for operand group #0, got 0}}
  %0 = onnx.Concat {axis = 0 : si64} : () -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Results share the type parameter with the operands.
func.func @result_type(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf64> {
  // expected-error @+1 {{operand #0 and result #0 must have the same element type}}
  %0 = onnx.Add %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// A subgraph ends in onnx.Yield.
func.func @if_without_yield(%c: tensor<i1>, %a: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'onnx.If' op region #0 ('else_branch') failed to verify constraint: region with 1 blocks}}
  %0 = "onnx.If"(%c) ({}, {
    onnx.Yield %a : tensor<f32>
  }) : (tensor<i1>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @attention_mask_without_value(%q: tensor<4x8xf32>, %kt: tensor<8x4xf32>, %v: tensor<4x8xf32>, %m: tensor<4x4xi1>) -> tensor<4x8xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{mask and masked_value come together or not at all}}
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %m, %none : (tensor<4x8xf32>, tensor<8x4xf32>, tensor<4x8xf32>, tensor<4x4xi1>, none) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @conv_add_residual_type(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>, %z: tensor<1x2x5x4xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{Z must have the result's type 'tensor<1x2x5x5xf32>', got 'tensor<1x2x5x4xf32>'}}
  %0 = onnx.ConvAdd %x, %w, %none, %z : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none, tensor<1x2x5x4xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}
