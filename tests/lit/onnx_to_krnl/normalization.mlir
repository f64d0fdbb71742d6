// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// BatchNormalization in inference form: per channel, scale / sqrt(var + epsilon),
// then one nest over the channel's elements.
// CHECK-LABEL: func.func @batchnorm
// CHECK: krnl.iterate
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: krnl.iterate
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batchnorm(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %y, %rm, %rv = onnx.BatchNormalization %x, %s, %b, %m, %v {epsilon = 1.0e-02 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, none, none)
  return %y : tensor<2x3x4xf32>
}

// Training mode: batch statistics (two passes), running statistics blended with
// momentum and stored per channel.
// CHECK-LABEL: func.func @batchnorm_training
// CHECK-COUNT-3: memref.alloc
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.addf
// CHECK: krnl.iterate
// CHECK: arith.mulf
// CHECK: krnl.store {{.*}} : memref<3xf32>
// CHECK: krnl.store {{.*}} : memref<3xf32>
func.func @batchnorm_training(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %rm, %rv = onnx.BatchNormalization %x, %s, %b, %m, %v {training_mode = 1 : si64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %rm, %rv : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// InstanceNormalization: statistics per (n, c), over the spatial dims.
// CHECK-LABEL: func.func @instancenorm
// CHECK: krnl.iterate
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index):
// CHECK: krnl.iterate
// CHECK: math.sqrt
func.func @instancenorm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x4x5xf32> {
  %y = onnx.InstanceNormalization %x, %s, %b : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}

// MeanVarianceNormalization divides by sqrt(variance) + 1e-9.
// CHECK-LABEL: func.func @mvn
// CHECK: math.sqrt
// CHECK: arith.constant 9.99999971E-10 : f32
// CHECK: arith.divf
func.func @mvn(%x: tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32> {
  %y = onnx.MeanVarianceNormalization %x : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
  return %y : tensor<3x3x3x1xf32>
}

// LpNormalization with p = 1 sums |x|, and a zero norm gives zeros.
// CHECK-LABEL: func.func @lpnorm
// CHECK: math.absf
// CHECK: arith.cmpf oeq
// CHECK: arith.select
func.func @lpnorm(%x: tensor<2x6xf32>) -> tensor<2x6xf32> {
  %y = onnx.LpNormalization %x {p = 1 : si64} : (tensor<2x6xf32>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// LRN: a window of `size` channels around each element, clamped and selected.
// CHECK-LABEL: func.func @lrn
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.cmpi sle
// CHECK: arith.select
// CHECK: math.powf
func.func @lrn(%x: tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32> {
  %y = onnx.LRN %x {size = 3 : si64} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
  return %y : tensor<1x5x3x3xf32>
}

// f16 statistics are computed in f32.
// CHECK-LABEL: func.func @instancenorm_f16
// CHECK: arith.extf
// CHECK: arith.truncf
func.func @instancenorm_f16(%x: tensor<1x2x8xf16>, %s: tensor<2xf16>, %b: tensor<2xf16>) -> tensor<1x2x8xf16> {
  %y = onnx.InstanceNormalization %x, %s, %b : (tensor<1x2x8xf16>, tensor<2xf16>, tensor<2xf16>) -> tensor<1x2x8xf16>
  return %y : tensor<1x2x8xf16>
}
