// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// MaxPool with pads and Indices: a nest over the result, a nest over the 3x3 window;
// each window position is checked against the input, loaded clamped, and a strictly
// greater valid value moves the maximum and its flattened position.
// CHECK-LABEL: func.func @maxpool_indices
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xi64>
// CHECK: krnl.iterate
// CHECK: krnl.store %cst{{.*}} : memref<f32>
// CHECK: krnl.iterate
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: arith.index_cast {{.*}} : index to i64
// CHECK: krnl.store {{.*}} : memref<1x2x4x4xi64>
func.func @maxpool_indices(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi64>) {
  %y, %i = onnx.MaxPool %x {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi64>)
  return %y, %i : tensor<1x2x4x4xf32>, tensor<1x2x4x4xi64>
}

// MaxPool of uint8 starts at 0 and compares unsigned.
// CHECK-LABEL: func.func @maxpool_uint8
// CHECK: arith.constant 0 : i8
// CHECK: arith.cmpi ugt
func.func @maxpool_uint8(%x: tensor<1x1x5x5xui8>) -> tensor<1x1x2x2xui8> {
  %y, %i = onnx.MaxPool %x {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x5x5xui8>) -> (tensor<1x1x2x2xui8>, none)
  return %y : tensor<1x1x2x2xui8>
}

// AveragePool counts the valid window positions and divides by that count.
// CHECK-LABEL: func.func @averagepool
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.addf
// CHECK: arith.select
// CHECK: arith.addi
// CHECK: arith.sitofp
// CHECK: arith.divf
func.func @averagepool(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %y = onnx.AveragePool %x {auto_pad = "SAME_UPPER", kernel_shape = [3, 3], strides = [2, 2]} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// GlobalLpPool with p = 2: the window is the whole spatial extent, sum of squares, sqrt.
// CHECK-LABEL: func.func @global_lppool
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x3x1x1xf32>
// CHECK: math.absf
// CHECK: arith.mulf
// CHECK: math.sqrt
func.func @global_lppool(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32> {
  %y = onnx.GlobalLpPool %x : (tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32>
  return %y : tensor<2x3x1x1xf32>
}

// A dynamic batch dim becomes a runtime size of the result.
// CHECK-LABEL: func.func @global_average_dynamic
// CHECK: %[[N:.*]] = memref.dim %arg0, %c0
// CHECK: memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?x3x1xf32>
func.func @global_average_dynamic(%x: tensor<?x3x7xf32>) -> tensor<?x3x1xf32> {
  %y = onnx.GlobalAveragePool %x : (tensor<?x3x7xf32>) -> tensor<?x3x1xf32>
  return %y : tensor<?x3x1xf32>
}
