// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// The mean: zero-filled result, one nest adding every element (in any order,
// so that LLVM vectorizes the sum), one nest dividing by
// the count of reduced elements (here 4).
// CHECK-LABEL: func.func @reduce_mean
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x1xf32>
// CHECK: krnl.iterate
// CHECK: krnl.store %cst
// CHECK: krnl.iterate
// CHECK: arith.addf {{.*}} fastmath<reassoc>
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

// Softmax subtracts the row maximum before exp, then divides by the sum (added in any
// order).
// CHECK-LABEL: func.func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf {{.*}} fastmath<reassoc>
// CHECK: arith.divf
func.func @softmax(%a: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = onnx.Softmax %a : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// ReduceSum with axes known only when the model runs: one flag per dim from the axes'
// values (negative ones count from the end), and the result index selects 0 where the
// flag is set.
// CHECK-LABEL: func.func @reduce_sum_runtime_axes
// CHECK: %[[AXIS:.*]] = krnl.load %arg1[%{{.*}}] : memref<1xi64>
// CHECK: arith.cmpi slt, %[[AXIS]]
// CHECK: arith.ori
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.select
// CHECK: arith.addf
func.func @reduce_sum_runtime_axes(%a: tensor<3x2x2xf32>, %axes: tensor<1xi64>) -> tensor<3x1x2xf32> {
  %0 = onnx.ReduceSum %a, %axes : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x1x2xf32>
  return %0 : tensor<3x1x2xf32>
}

// Without keepdims, the sums are taken with every dim kept and then seen with the
// result's shape.
// CHECK-LABEL: func.func @reduce_sum_runtime_axes_dropped
// CHECK: memref.alloc(%{{.*}}, %{{.*}}, %{{.*}}) {alignment = 64 : i64} : memref<?x?x?xf32>
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [3, 2], strides: [2, 1]
func.func @reduce_sum_runtime_axes_dropped(%a: tensor<3x2x2xf32>, %axes: tensor<1xi64>) -> tensor<3x2xf32> {
  %0 = onnx.ReduceSum %a, %axes {keepdims = 0 : si64} : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// An axes tensor of length 0 with noop_with_empty_axes reduces nothing: every element
// is its own sum, and the result keeps the input's shape.
// CHECK-LABEL: func.func @reduce_sum_empty_axes_noop
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x2xf32>
// CHECK-NOT: krnl.load %arg1
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%{{.*}}, %{{.*}}) to(%c3, %c2)
// CHECK: return
func.func @reduce_sum_empty_axes_noop(%a: tensor<3x2xf32>, %axes: tensor<0xi64>) -> tensor<3x2xf32> {
  %0 = onnx.ReduceSum %a, %axes {noop_with_empty_axes = 1 : si64} : (tensor<3x2xf32>, tensor<0xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
