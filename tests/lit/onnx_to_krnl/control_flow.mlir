// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// If: an scf.if on the loaded condition; each branch yields a buffer it owns (a
// copy of the outer value it names), and the result is copied out next to the op.
// CHECK-LABEL: func.func @if_select
// CHECK: %[[C:.*]] = krnl.load %arg0[] : memref<i1>
// CHECK: %[[R:.*]] = scf.if %[[C]] -> (memref<3xf32>) {
// CHECK:   %[[T:.*]] = memref.alloc() {{.*}} : memref<3xf32>
// CHECK:   memref.copy %arg1, %[[T]]
// CHECK:   scf.yield %[[T]] : memref<3xf32>
// CHECK: } else {
// CHECK:   krnl.iterate
// CHECK:   arith.addf
// CHECK:   scf.yield
// CHECK: }
// CHECK: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<3xf32>
// CHECK: memref.copy %[[R]], %[[OUT]]
// CHECK: memref.dealloc %[[R]]
// CHECK: return %[[OUT]]
func.func @if_select(%c: tensor<i1>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = "onnx.If"(%c) ({
    %1 = onnx.Add %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    onnx.Yield %1 : tensor<3xf32>
  }, {
    onnx.Yield %a : tensor<3xf32>
  }) : (tensor<i1>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Loop: an scf.while over (iteration, cond, carried value, scan rows) that runs
// while iteration < M and cond; the body gets the iteration number as a tensor,
// frees the previous carried value, and grows the scan buffer by one row.
// CHECK-LABEL: func.func @loop_sum
// CHECK: %[[M:.*]] = krnl.load %arg0[] : memref<i64>
// CHECK: %[[C0:.*]] = krnl.load %arg1[] : memref<i1>
// CHECK: %[[INIT:.*]] = memref.alloc() {{.*}}omc.loop_owned
// CHECK: memref.copy %arg2, %[[INIT]]
// CHECK: %[[ROWS:.*]] = memref.alloc(%{{.*}}) {{.*}}omc.loop_owned{{.*}} : memref<?x2xf32>
// CHECK: %[[W:.*]]:4 = scf.while (%[[I:.*]] = %{{.*}}, %[[C:.*]] = %[[C0]], %{{.*}} = %[[INIT]], %{{.*}} = %[[ROWS]])
// CHECK:   %[[LT:.*]] = arith.cmpi slt, %[[I]], %[[M]] : i64
// CHECK:   %[[GO:.*]] = arith.andi %[[LT]], %[[C]] : i1
// CHECK:   scf.condition(%[[GO]])
// CHECK: } do {
// CHECK: ^bb0(%[[J:.*]]: i64, %{{.*}}: i1, %[[V:.*]]: memref<2xf32>, %[[R:.*]]: memref<?x2xf32>):
// CHECK:   %[[IT:.*]] = memref.alloc() {{.*}} : memref<i64>
// CHECK:   krnl.store %[[J]], %[[IT]][] : memref<i64>
// CHECK:   scf.execute_region
// CHECK:     arith.addf
// CHECK:     scf.yield
// CHECK:   memref.dealloc %[[IT]]
// CHECK:   memref.dealloc %[[V]]
// CHECK:   arith.addi %[[J]], %{{.*}} : i64
// CHECK:   %[[N:.*]] = memref.dim %[[R]], %{{.*}} : memref<?x2xf32>
// CHECK:   %[[N1:.*]] = arith.addi %[[N]], %{{.*}} : index
// CHECK:   memref.alloc(%[[N1]]) {{.*}} : memref<?x2xf32>
// CHECK:   memref.dealloc %[[R]]
// CHECK:   scf.yield
// CHECK: }
// CHECK-NOT: memref.dealloc %[[INIT]]
// CHECK: return
func.func @loop_sum(%m: tensor<i64>, %c: tensor<i1>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  %0:2 = "onnx.Loop"(%m, %c, %y) ({
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %v: tensor<2xf32>):
    %1 = onnx.Add %v, %v : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %ci, %1, %1 : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }) : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<?x2xf32>
}

// Scan: an scf.for over the scan axis (axis 1 here, read backwards), slicing each
// input element into a buffer; the rows come out along output axis 0.
// CHECK-LABEL: func.func @scan_reverse
// CHECK: %[[L:.*]] = memref.dim %arg1, %c1 : memref<2x4xf32>
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %[[L]] step %{{.*}} iter_args
// CHECK:   %[[LAST:.*]] = arith.subi %[[L]], %{{.*}} : index
// CHECK:   %[[POS:.*]] = arith.subi %[[LAST]], %[[T]] : index
// CHECK:   krnl.iterate
// CHECK:     krnl.load %arg1[%{{.*}}, %[[POS]]] : memref<2x4xf32>
// CHECK:   scf.execute_region
// CHECK:     arith.mulf
// CHECK: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<4x2xf32>
func.func @scan_reverse(%s: tensor<2xf32>, %x: tensor<2x4xf32>) -> (tensor<2xf32>, tensor<4x2xf32>) {
  %0:2 = "onnx.Scan"(%s, %x) ({
  ^bb0(%a: tensor<2xf32>, %e: tensor<2xf32>):
    %1 = onnx.Mul %a, %e : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    onnx.Yield %1, %1 : tensor<2xf32>, tensor<2xf32>
  }) {num_scan_inputs = 1 : si64, scan_input_axes = [1], scan_input_directions = [1]} : (tensor<2xf32>, tensor<2x4xf32>) -> (tensor<2xf32>, tensor<4x2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<4x2xf32>
}
