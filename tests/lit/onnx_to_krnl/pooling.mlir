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

// MaxUnpool: a zero result, then each X element stored at the position its index
// names in the inferred 1x1x4x4 shape (delinearized with remui/divui), dropped when out
// of range; output_shape pads the 4x4 to 5x5 at the end.
// CHECK-LABEL: func.func @maxunpool_output_shape
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x1x5x5xf32>
// CHECK: krnl.iterate
// CHECK: krnl.store %cst{{.*}}, %[[OUT]]
// CHECK: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[H:.*]]: index, %[[W:.*]]: index):
// CHECK: %[[I:.*]] = krnl.load %arg1[%[[N]], %[[C]], %[[H]], %[[W]]]
// CHECK: arith.cmpi slt, %{{.*}}, %c16
// CHECK: arith.remui %{{.*}}, %c4
// CHECK: arith.divui %{{.*}}, %c4
// CHECK: arith.remui %{{.*}}, %c4
// CHECK: %[[X:.*]] = krnl.load %arg0[%[[N]], %[[C]], %[[H]], %[[W]]]
// CHECK: %[[OLD:.*]] = krnl.load %[[OUT]]
// CHECK: %[[V:.*]] = arith.select %{{.*}}, %[[X]], %[[OLD]]
// CHECK: krnl.store %[[V]], %[[OUT]]
func.func @maxunpool_output_shape(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>, %shape: tensor<4xi64>) -> tensor<1x1x5x5xf32> {
  %0 = onnx.MaxUnpool %x, %i, %shape {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// Without output_shape and a static result, the sizes are (D - 1) * stride + kernel
// - pads: (3 - 1) * 2 + 3 - 1 = 6.
// CHECK-LABEL: func.func @maxunpool_inferred
// CHECK: memref.alloc(%c6{{.*}}) {alignment = 64 : i64} : memref<1x2x?xf32>
func.func @maxunpool_inferred(%x: tensor<1x2x3xf32>, %i: tensor<1x2x3xi64>) -> tensor<1x2x?xf32> {
  %none = onnx.NoValue
  %0 = onnx.MaxUnpool %x, %i, %none {kernel_shape = [3], strides = [2], pads = [1, 0]} : (tensor<1x2x3xf32>, tensor<1x2x3xi64>, none) -> tensor<1x2x?xf32>
  return %0 : tensor<1x2x?xf32>
}
