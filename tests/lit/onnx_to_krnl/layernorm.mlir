// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Per row: a pass for the mean, a pass for the variance around it (two passes, for
// accuracy), then one writing (x - mean) * 1/sqrt(var + eps) * scale + bias. The sums
// may be reassociated, so that LLVM vectorizes them.
// CHECK-LABEL: func.func @layernorm
// CHECK: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.addf {{.*}} fastmath<reassoc>
// CHECK: arith.divf
// CHECK: krnl.iterate
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf {{.*}} fastmath<reassoc>
// CHECK: arith.addf %{{.*}}, %[[EPS]]
// CHECK: math.sqrt
// CHECK: krnl.iterate
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: krnl.store
func.func @layernorm(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %0, %1, %2 = onnx.LayerNormalization %x, %s, %b {axis = -1 : si64, epsilon = 1.0e-05 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, none, none)
  return %0 : tensor<2x8xf32>
}
