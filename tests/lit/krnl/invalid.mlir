// RUN: omc-opt %s --split-input-file --verify-diagnostics

func.func @bounds(%n: index) {
  %l:2 = krnl.define_loops 2
  // expected-error @+1 {{needs one lower and one upper bound per loop}}
  "krnl.iterate"(%l#0, %l#1, %n, %n) ({
  ^bb0(%i: index, %j: index):
    krnl.yield
  }) {operandSegmentSizes = array<i32: 2, 1, 1>} : (!krnl.loop, !krnl.loop, index, index) -> ()
  return
}

// -----

func.func @permutation() {
  %l:2 = krnl.define_loops 2
  // expected-error @+1 {{map must be a permutation of 0..1}}
  krnl.permute(%l#0, %l#1) [0, 0]
  return
}

// -----

func.func @global_type() -> memref<3xf32> {
  // expected-error @+1 {{does not match}}
  %0 = krnl.global "w" {value = dense<[1.0, 2.0]> : tensor<2xf32>} : memref<3xf32>
  return %0 : memref<3xf32>
}
