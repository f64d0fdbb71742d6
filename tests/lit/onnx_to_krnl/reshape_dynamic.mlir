// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// A Reshape whose shape is known only when the model runs reads it: an entry 0 copies the
// input's dim, -1 gets the element count divided by the product of the other entries.
// CHECK-LABEL: func.func @reshape_runtime
// CHECK: %[[D0:.*]] = memref.dim %arg0, %{{.*}} : memref<?x?x64xf32>
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %c64 : index
// CHECK: %[[RAW0:.*]] = krnl.load %arg1[%{{.*}}] : memref<3xi64>
// CHECK: %[[E0:.*]] = arith.index_cast %[[RAW0]] : i64 to index
// CHECK: %[[Z0:.*]] = arith.cmpi eq, %[[E0]], %{{.*}} : index
// CHECK: %[[S0:.*]] = arith.select %[[Z0]], %[[D0]], %[[E0]] : index
// CHECK: %[[INF0:.*]] = arith.cmpi eq, %[[S0]], %c-1 : index
// CHECK: %[[REST:.*]] = arith.divui %[[TOTAL]], %{{.*}} : index
// CHECK: %[[R0:.*]] = arith.select %[[INF0]], %[[REST]], %[[S0]] : index
// CHECK: %[[R1:.*]] = arith.select %{{.*}}, %[[REST]], %{{.*}} : index
// The counts must agree when the model runs: if not, the run fails with the error
// message, and the view, with its run-time dims 0, is empty.
// CHECK: %[[WANTED:.*]] = arith.muli %{{.*}}, %c64{{.*}} : index
// CHECK: %[[HAS:.*]] = arith.muli %{{.*}}, %c64{{.*}} : index
// CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[HAS]], %[[WANTED]] : index
// CHECK: scf.if %[[SAME]] {
// CHECK-NEXT: } else {
// CHECK: memref.store %c1_i32, %arg2[] : memref<i32>
// CHECK: %[[V0:.*]] = arith.select %[[SAME]], %[[R0]], %c0{{.*}} : index
// CHECK: %[[V1:.*]] = arith.select %[[SAME]], %[[R1]], %c0{{.*}} : index
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [%[[V0]], %[[V1]], 64], strides: [%{{.*}}, 64, 1] : memref<?x?x64xf32> to memref<?x?x64xf32>
// CHECK-NOT: krnl.iterate
func.func @reshape_runtime(%x: tensor<?x?x64xf32>, %shape: tensor<3xi64>) -> tensor<?x?x64xf32> {
  %r = onnx.Reshape %x, %shape : (tensor<?x?x64xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  return %r : tensor<?x?x64xf32>
}

// Squeeze by constant axes of a dim that is dynamic (1 when the model runs).
// CHECK-LABEL: func.func @squeeze_dynamic
// CHECK: %[[D1:.*]] = memref.dim %arg0, %c1 : memref<?x?x8xf32>
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[D1]] : index
// CHECK: %[[SAME:.*]] = arith.cmpi eq
// CHECK: %[[M:.*]] = arith.select %[[SAME]], %[[N]], %c0{{.*}} : index
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [%[[M]], 8], strides: [8, 1] : memref<?x?x8xf32> to memref<?x8xf32>
func.func @squeeze_dynamic(%x: tensor<?x?x8xf32>) -> tensor<?x8xf32> {
  %axes = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %r = onnx.Squeeze %x, %axes : (tensor<?x?x8xf32>, tensor<1xi64>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// A result of static dims from an input of run-time dims is copied, not viewed: on a
// count that differs, the copy's bounds are 0 and nothing is read past the input.
// CHECK-LABEL: func.func @reshape_to_static
// CHECK: %[[SAME:.*]] = arith.cmpi eq
// CHECK: %[[ROWS:.*]] = arith.select %[[SAME]], %{{.*}}, %c0{{.*}} : index
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8xf32>
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%{{.*}}, %{{.*}}) to(%[[ROWS]], %c4{{.*}})
func.func @reshape_to_static(%x: tensor<?x4xf32>) -> tensor<2x8xf32> {
  %shape = onnx.Constant {value = dense<[2, 8]> : tensor<2xi64>} : tensor<2xi64>
  %r = onnx.Reshape %x, %shape : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}
