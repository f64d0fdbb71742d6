// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// A buffer with dims from the data first has its byte count checked: a negative dim, or
// a count past int64, calls the runtime's handler with -1 bytes (when it has one).
// CHECK-LABEL: llvm.func internal @omc_check_allocation_size(
// CHECK-SAME: %[[BAD:.*]]: i1)
// CHECK: llvm.cond_br %[[BAD]], ^[[FAIL:bb[0-9]+]], ^[[DONE:bb[0-9]+]]
// CHECK: ^[[FAIL]]:
// CHECK: %[[SLOT:.*]] = llvm.mlir.addressof @omc_out_of_memory_handler
// CHECK: %[[HANDLER:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[HAS:.*]] = llvm.icmp "ne" %[[HANDLER]]
// CHECK: llvm.cond_br %[[HAS]], ^[[CALL:bb[0-9]+]], ^[[DONE]]
// CHECK: ^[[CALL]]:
// CHECK: %[[MINUS_ONE:.*]] = llvm.mlir.constant(-1 : i64) : i64
// CHECK: llvm.call %[[HANDLER]](%[[MINUS_ONE]]) : !llvm.ptr, (i64) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[DONE]]:
// CHECK-NEXT: llvm.return

// Every malloc of the model goes through omc_checked_malloc, which calls the handler the
// runtime stored in the exported omc_out_of_memory_handler when malloc gives NULL for a
// size above 0, and never returns from there. Here 4 bytes times %n: negative, or a high
// half of the 128-bit product that is not 0, or a low half past int64, is bad.
// CHECK-LABEL: llvm.func @buffer(
// CHECK-SAME: %[[N:.*]]: i64)
// CHECK: %[[NEGATIVE:.*]] = llvm.icmp "slt" %[[N]]
// CHECK: %[[PRODUCT:.*]] = llvm.mul
// CHECK: %[[LOW:.*]] = llvm.trunc %[[PRODUCT]] : i128 to i64
// CHECK: %[[HIGH_BITS:.*]] = llvm.lshr %[[PRODUCT]]
// CHECK: %[[HIGH:.*]] = llvm.trunc %[[HIGH_BITS]] : i128 to i64
// CHECK: %[[OVERFLOW:.*]] = llvm.icmp "ne" %[[HIGH]]
// CHECK: %[[BAD1:.*]] = llvm.or %[[NEGATIVE]], %[[OVERFLOW]]
// CHECK: %[[TOO_LARGE:.*]] = llvm.icmp "slt" %[[LOW]]
// CHECK: %[[BAD2:.*]] = llvm.or %[[BAD1]], %[[TOO_LARGE]]
// CHECK: llvm.call @omc_check_allocation_size(%[[BAD2]])
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
// CHECK: llvm.cond_br %[[FAILED]], ^[[FAIL2:bb[0-9]+]], ^[[DONE2:bb[0-9]+]]
// CHECK: ^[[FAIL2]]:
// CHECK: %[[SLOT2:.*]] = llvm.mlir.addressof @omc_out_of_memory_handler
// CHECK: %[[HANDLER2:.*]] = llvm.load %[[SLOT2]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[HAS2:.*]] = llvm.icmp "ne" %[[HANDLER2]]
// CHECK: llvm.cond_br %[[HAS2]], ^[[CALL2:bb[0-9]+]], ^[[DONE2]]
// CHECK: ^[[CALL2]]:
// CHECK: llvm.call %[[HANDLER2]](%[[BYTES]]) : !llvm.ptr, (i64) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[DONE2]]:
// CHECK-NEXT: llvm.return %[[BLOCK]] : !llvm.ptr
