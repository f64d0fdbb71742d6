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
// CHECK: memref.alloc(%[[R0]], %[[R1]]) {{.*}} : memref<?x?x64xf32>
// CHECK: memref.reinterpret_cast
// CHECK: krnl.iterate
func.func @reshape_runtime(%x: tensor<?x?x64xf32>, %shape: tensor<3xi64>) -> tensor<?x?x64xf32> {
  %r = onnx.Reshape %x, %shape : (tensor<?x?x64xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  return %r : tensor<?x?x64xf32>
}

// Squeeze by constant axes of a dim that is dynamic (1 when the model runs).
// CHECK-LABEL: func.func @squeeze_dynamic
// CHECK: %[[D1:.*]] = memref.dim %arg0, %c1 : memref<?x?x8xf32>
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %[[D1]] : index
// CHECK: memref.alloc(%[[N]]) {{.*}} : memref<?x8xf32>
func.func @squeeze_dynamic(%x: tensor<?x?x8xf32>) -> tensor<?x8xf32> {
  %axes = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  %r = onnx.Squeeze %x, %axes : (tensor<?x?x8xf32>, tensor<1xi64>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}
