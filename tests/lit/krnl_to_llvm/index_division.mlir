// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// Rounded index divisions (a sequence split's chunk count, a parallel loop's iteration
// count) expand into LLVM integer arithmetic: arith-to-llvm alone has no pattern for them.
// CHECK-LABEL: llvm.func @chunks(
// CHECK-NOT:     arith.
// CHECK:         llvm.sdiv
// CHECK:         llvm.return
func.func @chunks(%length: index, %chunk: index) -> (index, index) {
  %up = arith.ceildivsi %length, %chunk : index
  %down = arith.floordivsi %length, %chunk : index
  return %up, %down : index, index
}
