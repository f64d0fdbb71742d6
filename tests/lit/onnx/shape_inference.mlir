// RUN: omc-opt %s --onnx-shape-inference | FileCheck %s

// Broadcasting aligns dims to the right; size-1 dims stretch.
// CHECK-LABEL: func.func @broadcast
// CHECK-SAME: -> tensor<3x4xf32>
// CHECK: onnx.Add {{.*}} -> tensor<3x4xf32>
func.func @broadcast(%a: tensor<3x1xf32>, %b: tensor<4xf32>) -> tensor<*xf32> {
  %0 = onnx.Add %a, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// A dynamic dim broadcast against 1 stays dynamic; a static one wins over 1.
// CHECK-LABEL: func.func @dynamic
// CHECK: onnx.Mul {{.*}} -> tensor<?x5xf32>
func.func @dynamic(%a: tensor<?x1xf32>, %b: tensor<1x5xf32>) -> tensor<*xf32> {
  %0 = onnx.Mul %a, %b : (tensor<?x1xf32>, tensor<1x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// Batched MatMul: batch dims broadcast, then M from A and N from B.
// CHECK-LABEL: func.func @matmul_batched
// CHECK: onnx.MatMul {{.*}} -> tensor<2x3x5xf32>
func.func @matmul_batched(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<*xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// A 1-D operand's promoted dim is dropped from the result.
// CHECK-LABEL: func.func @matmul_vector
// CHECK: onnx.MatMul {{.*}} -> tensor<3xf32>
func.func @matmul_vector(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<*xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// Gemm with transA reads M from A's second dim.
// CHECK-LABEL: func.func @gemm_trans_a
// CHECK: onnx.Gemm {{.*}} -> tensor<3x7xf32>
func.func @gemm_trans_a(%a: tensor<6x3xf32>, %b: tensor<6x7xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  %0 = onnx.Gemm %a, %b, %none {transA = 1 : si64} : (tensor<6x3xf32>, tensor<6x7xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// What the result type already knows is kept.
// CHECK-LABEL: func.func @keeps_known_dims
// CHECK: onnx.Relu {{.*}} -> tensor<8x2xf32>
func.func @keeps_known_dims(%a: tensor<?x2xf32>) -> tensor<8x2xf32> {
  %0 = onnx.Relu %a : (tensor<?x2xf32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}
