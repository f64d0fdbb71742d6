// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Lower triangle: an element stays where column - row <= k, else becomes 0; k is read
// from its tensor when the model runs.
// CHECK-LABEL: func.func @tril
// CHECK: %[[K:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: %[[KI:.*]] = arith.index_cast %[[K]] : i64 to index
// CHECK: krnl.iterate
// CHECK: %[[D:.*]] = arith.subi %{{.*}}, %{{.*}} : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[D]], %[[KI]] : index
// CHECK: arith.select %[[KEEP]]
func.func @tril(%a: tensor<2x3x4xf32>, %k: tensor<i64>) -> tensor<2x3x4xf32> {
  %0 = onnx.Trilu %a, %k {upper = 0 : si64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// Upper triangle without k: the main diagonal (k = 0) and above stay.
// CHECK-LABEL: func.func @triu
// CHECK: arith.cmpi sge
func.func @triu(%a: tensor<3x3xi64>) -> tensor<3x3xi64> {
  %none = "onnx.NoValue"() {value} : () -> none
  %0 = onnx.Trilu %a, %none {upper = 1 : si64} : (tensor<3x3xi64>, none) -> tensor<3x3xi64>
  return %0 : tensor<3x3xi64>
}
