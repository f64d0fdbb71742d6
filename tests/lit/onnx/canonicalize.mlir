// RUN: omc-opt %s --canonicalize | FileCheck %s

// Identity folds away.
// CHECK-LABEL: func.func @identity
// CHECK-NEXT: return %arg0
func.func @identity(%a: tensor<3xf32>) -> tensor<3xf32> {
  %0 = onnx.Identity %a : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
