// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// Every malloc of the model goes through omc_checked_malloc, which calls the handler the
// runtime stored in the exported omc_out_of_memory_handler when malloc gives NULL for a
// size above 0, and never returns from there.
// CHECK-LABEL: llvm.func @buffer(
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.call @omc_checked_malloc(
// CHECK-NOT: llvm.call @malloc
func.func @buffer(%n: index) -> memref<?xf32> {
  %0 = memref.alloc(%n) : memref<?xf32>
  return %0 : memref<?xf32>
}

// The handler's slot: exported, writable, NULL until the runtime fills it in.
// CHECK: llvm.mlir.global external @omc_out_of_memory_handler() {{.*}} : !llvm.ptr {
// CHECK-NEXT: %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: llvm.return %[[NULL]] : !llvm.ptr
// CHECK-LABEL: llvm.func internal @omc_checked_malloc(
// CHECK-SAME: %[[BYTES:.*]]: i64) -> !llvm.ptr
// CHECK: %[[BLOCK:.*]] = llvm.call @malloc(%[[BYTES]])
// CHECK: %[[IS_NULL:.*]] = llvm.icmp "eq" %[[BLOCK]]
// CHECK: %[[WANTED:.*]] = llvm.icmp "ne" %[[BYTES]]
// CHECK: %[[FAILED:.*]] = llvm.and %[[IS_NULL]], %[[WANTED]]
// CHECK: llvm.cond_br %[[FAILED]], ^[[FAIL:bb[0-9]+]], ^[[DONE:bb[0-9]+]]
// CHECK: ^[[FAIL]]:
// CHECK: %[[SLOT:.*]] = llvm.mlir.addressof @omc_out_of_memory_handler
// CHECK: %[[HANDLER:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[HAS:.*]] = llvm.icmp "ne" %[[HANDLER]]
// CHECK: llvm.cond_br %[[HAS]], ^[[CALL:bb[0-9]+]], ^[[DONE]]
// CHECK: ^[[CALL]]:
// CHECK: llvm.call %[[HANDLER]](%[[BYTES]]) : !llvm.ptr, (i64) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[DONE]]:
// CHECK-NEXT: llvm.return %[[BLOCK]] : !llvm.ptr
