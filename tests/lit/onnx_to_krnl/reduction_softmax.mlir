// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// The mean: zero-filled result, one nest adding every element, one nest dividing by
// the count of reduced elements (here 4).
// CHECK-LABEL: func.func @reduce_mean
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x1xf32>
// CHECK: krnl.iterate
// CHECK: krnl.store %cst
// CHECK: krnl.iterate
// CHECK: arith.addf
// CHECK: krnl.iterate
// CHECK: arith.sitofp
// CHECK: arith.divf
func.func @reduce_mean(%a: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %0 = onnx.ReduceMean %a {axes = [1]} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// ReduceMax of an unsigned type starts at 0 and compares unsigned.
// CHECK-LABEL: func.func @reduce_max_unsigned
// CHECK: arith.constant 0 : i8
// CHECK: arith.maxui
func.func @reduce_max_unsigned(%a: tensor<3x4xui8>) -> tensor<4xui8> {
  %0 = onnx.ReduceMax %a {axes = [0], keepdims = 0 : si64} : (tensor<3x4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// Softmax subtracts the row maximum before exp, then divides by the sum.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%a: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = onnx.Softmax %a : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
