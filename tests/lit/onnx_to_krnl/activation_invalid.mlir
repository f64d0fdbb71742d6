// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl

// An activation the elementwise lowering does not know fails the pattern (a clear error,
// no crash), as on a Conv (conv.mlir).
func.func @add_unknown_activation(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Add'}}
  %0 = onnx.Add %a, %a {omc.activation = "gelu"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// relu on integers is not what onnx-fuse-activation folds: refused too.
func.func @add_int_relu(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Add'}}
  %0 = onnx.Add %a, %a {omc.activation = "relu"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
