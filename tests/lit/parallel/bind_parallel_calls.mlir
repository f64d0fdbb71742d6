// RUN: omc-opt %s --omc-bind-parallel-calls | FileCheck %s

// A call of a chunk function becomes a call through the hook pointer, with the
// arguments after (first, last) stored in a context struct allocated in the
// caller's entry block, and a task function that unpacks them.
// CHECK-LABEL: llvm.func @main
// CHECK:         %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK:         %[[CTX:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(i64, ptr, f32)>
// CHECK:         llvm.br ^[[LOOP:.*]]
// CHECK:       ^[[LOOP]]:
// CHECK:         %[[F0:.*]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK:         llvm.store %{{.*}}, %[[F0]] : i64, !llvm.ptr
// CHECK:         %[[F1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK:         llvm.store %{{.*}}, %[[F1]] : !llvm.ptr, !llvm.ptr
// CHECK:         %[[F2:.*]] = llvm.getelementptr %[[CTX]][0, 2]
// CHECK:         llvm.store %{{.*}}, %[[F2]] : f32, !llvm.ptr
// CHECK:         %[[SLOT:.*]] = llvm.mlir.addressof @omc_parallel_for_hook
// CHECK:         %[[HOOK:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[TASK:.*]] = llvm.mlir.addressof @main.omc_parallel.0.task
// CHECK:         llvm.call %[[HOOK]](%[[TASK]], %[[CTX]], %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
// CHECK-NOT:     llvm.call @main.omc_parallel.0(
llvm.func @main(%p: !llvm.ptr, %x: f32, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %lower = llvm.mlir.constant(3 : i64) : i64
  llvm.br ^loop
^loop:
  llvm.call @main.omc_parallel.0(%zero, %n, %lower, %p, %x) : (i64, i64, i64, !llvm.ptr, f32) -> ()
  llvm.return
}

llvm.func internal @main.omc_parallel.0(%first: i64, %last: i64, %lower: i64, %p: !llvm.ptr, %x: f32) {
  llvm.return
}

// The serial loop the hook starts as, the hook, and the binding function.
// CHECK-LABEL: llvm.func internal @omc_parallel_for_serial
// CHECK-SAME:    (%[[T:.*]]: !llvm.ptr, %[[C:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK:         llvm.call %[[T]](%[[C]], %[[B]], %[[E]])
// CHECK:       llvm.mlir.global internal @omc_parallel_for_hook() {{.*}} : !llvm.ptr {
// CHECK:         llvm.mlir.addressof @omc_parallel_for_serial
// CHECK-LABEL: llvm.func @omc_threads_bind
// CHECK:         llvm.icmp "eq"
// CHECK:         llvm.select
// CHECK:         llvm.store %{{.*}}, %{{.*}} : !llvm.ptr, !llvm.ptr

// CHECK-LABEL: llvm.func internal @main.omc_parallel.0.task
// CHECK-SAME:    (%[[TC:.*]]: !llvm.ptr, %[[TB:.*]]: i64, %[[TE:.*]]: i64)
// CHECK:         %[[G0:.*]] = llvm.getelementptr %[[TC]][0, 0]
// CHECK:         %[[L0:.*]] = llvm.load %[[G0]] : !llvm.ptr -> i64
// CHECK:         %[[L1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[L2:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK:         llvm.call @main.omc_parallel.0(%[[TB]], %[[TE]], %[[L0]], %[[L1]], %[[L2]])
