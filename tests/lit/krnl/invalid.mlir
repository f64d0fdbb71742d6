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

// -----

func.func @panels_rank(%a: memref<4x8xf32>, %p: memref<8x16xf32>, %c: memref<4x16xf32>) {
  // expected-error @+1 {{expects A [M, K], panels [P, K, W] and C [M, N]}}
  krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<8x16xf32>, memref<4x16xf32>
  return
}

// -----

func.func @panels_k(%a: memref<4x8xf32>, %p: memref<2x9x8xf32>, %c: memref<4x16xf32>) {
  // expected-error @+1 {{has K = 8 in A but 9 in the panels}}
  krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<2x9x8xf32>, memref<4x16xf32>
  return
}

// -----

func.func @panels_rows(%a: memref<4x8xf32>, %p: memref<2x8x8xf32>, %c: memref<5x16xf32>) {
  // expected-error @+1 {{has 4 rows in A but 5 in C}}
  krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<2x8x8xf32>, memref<5x16xf32>
  return
}

// -----

// Two panels of 8 columns hold 9 to 16 columns, not 17.
func.func @panels_count(%a: memref<4x8xf32>, %p: memref<2x8x8xf32>, %c: memref<4x17xf32>) {
  // expected-error @+1 {{2 panels of 8 columns do not fit N = 17}}
  krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<2x8x8xf32>, memref<4x17xf32>
  return
}

// -----

func.func @panels_type(%a: memref<4x8xf32>, %p: memref<2x8x8xf16>, %c: memref<4x16xf32>) {
  // expected-error @+1 {{expects one element type for A, panels and C}}
  krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<2x8x8xf16>, memref<4x16xf32>
  return
}

// -----

func.func @panels_bias(%a: memref<4x8xf32>, %p: memref<2x8x8xf32>, %c: memref<4x16xf32>,
                       %bias: memref<5xf32>) {
  // expected-error @+1 {{expects a bias of one element per row of C, not 'memref<5xf32>'}}
  krnl.matmul_panels %a, %p, %c bias(%bias : memref<5xf32>)
    : memref<4x8xf32>, memref<2x8x8xf32>, memref<4x16xf32>
  return
}

// -----

func.func @panels_addend(%a: memref<4x8xf32>, %p: memref<2x8x8xf32>, %c: memref<4x16xf32>,
                         %z: memref<4x15xf32>) {
  // expected-error @+1 {{expects an addend of C's shape, not 'memref<4x15xf32>'}}
  krnl.matmul_panels %a, %p, %c addend(%z : memref<4x15xf32>)
    : memref<4x8xf32>, memref<2x8x8xf32>, memref<4x16xf32>
  return
}
