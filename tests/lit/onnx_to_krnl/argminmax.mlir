// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// ArgMax starts from the first element along the axis and moves the index only on a
// strictly greater value (the first maximum wins); the best values live in a scratch
// buffer that is freed before the return.
// CHECK-LABEL: func.func @argmax
// CHECK: %[[IDX:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x1xi64>
// CHECK: %[[BEST:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x1xf32>
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.cmpf ogt
// CHECK: memref.dealloc %[[BEST]]
// CHECK: return %[[IDX]]
func.func @argmax(%a: tensor<3x4xf32>) -> tensor<3x1xi64> {
  %0 = onnx.ArgMax %a {axis = 1 : si64} : (tensor<3x4xf32>) -> tensor<3x1xi64>
  return %0 : tensor<3x1xi64>
}

// ArgMin with select_last_index on signed integers: an equal value moves the index too.
// CHECK-LABEL: func.func @argmin_last
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<4xi64>
// CHECK: arith.cmpi sle
func.func @argmin_last(%a: tensor<3x4xi32>) -> tensor<4xi64> {
  %0 = onnx.ArgMin %a {axis = 0 : si64, keepdims = 0 : si64, select_last_index = 1 : si64} : (tensor<3x4xi32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
