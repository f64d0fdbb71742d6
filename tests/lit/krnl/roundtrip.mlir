// RUN: omc-opt %s | omc-opt | FileCheck %s

// CHECK-LABEL: func.func @loops
// CHECK: %[[L:.*]]:2 = krnl.define_loops 2
// CHECK: %[[O:.*]], %[[I:.*]] = krnl.block %[[L]]#0 4
// CHECK: krnl.permute(%[[O]], %[[I]], %[[L]]#1) [0, 2, 1]
// CHECK: krnl.iterate(%[[L]]#0, %[[L]]#1) from(%{{.*}}, %{{.*}}) to(%{{.*}}, %{{.*}}) {
// CHECK: ^bb0(%[[X:.*]]: index, %[[Y:.*]]: index):
// CHECK: krnl.load %{{.*}}[%[[X]], %[[Y]]] : memref<16x8xf32>
// CHECK: krnl.store
func.func @loops(%m: memref<16x8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %l:2 = krnl.define_loops 2
  %io, %ii = krnl.block %l#0 4
  krnl.permute(%io, %ii, %l#1) [0, 2, 1]
  krnl.iterate(%l#0, %l#1) from(%c0, %c0) to(%c16, %c8) {
  ^bb0(%i: index, %j: index):
    %v = krnl.load %m[%i, %j] : memref<16x8xf32>
    krnl.store %v, %m[%i, %j] : memref<16x8xf32>
  }
  return
}

// CHECK-LABEL: func.func @globals
// CHECK: krnl.global "weights" {value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>} : memref<2xf32>
func.func @globals() -> memref<2xf32> {
  %0 = krnl.global "weights" {value = dense<[1.0, 2.0]> : tensor<2xf32>} : memref<2xf32>
  return %0 : memref<2xf32>
}

// CHECK: krnl.entry_point @globals {name = "globals", signature_in = "[]", signature_out = "[]"}
krnl.entry_point @globals {name = "globals", signature_in = "[]", signature_out = "[]"}
