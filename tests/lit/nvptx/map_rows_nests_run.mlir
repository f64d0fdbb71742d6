// Rows over two axes, as LayerNormalization with axis 1 of a 3-d input leaves them:
// per row a, a sum over the nest (b, c) into a scalar, then a 2-d parallel nest that
// writes every element less the sum. omc-map-rows-to-blocks numbers each nest's
// iterations as one loop shared by the threads; run sequentially on this CPU
// (upstream's lowering and mlir-runner) against the same computation in sequential
// loops. The inputs are small integers, so the sums are exact: each case prints the
// largest |difference| (0), then the sum of |outputs| (not 0).
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' \
// RUN:   | /usr/lib/llvm-22/bin/mlir-opt --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_runner_utils.so \
// RUN:   | FileCheck %s

// 2x3x5, 3x7x40 (strided shares over 280 iterations), 1x1x1.
// CHECK:      0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NOT:  {{.}}

func.func @rows(%x: memref<?x?x?xf32>, %y: memref<?x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %start = arith.constant 0.5 : f32
  %n0 = memref.dim %x, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %x, %c2 : memref<?x?x?xf32>
  scf.parallel (%a) = (%c0) to (%n0) step (%c1) {
    %sum = memref.alloca() : memref<f32>
    memref.store %start, %sum[] : memref<f32>
    scf.for %b = %c0 to %n1 step %c1 {
      scf.for %c = %c0 to %n2 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %s = memref.load %sum[] : memref<f32>
        %t = arith.addf %s, %v fastmath<reassoc> : f32
        memref.store %t, %sum[] : memref<f32>
      }
    }
    %total = memref.load %sum[] : memref<f32>
    scf.parallel (%b) = (%c0) to (%n1) step (%c1) {
      scf.parallel (%c) = (%c0) to (%n2) step (%c1) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %w = arith.subf %v, %total : f32
        memref.store %w, %y[%a, %b, %c] : memref<?x?x?xf32>
        scf.reduce
      }
      scf.reduce
    }
    scf.reduce
  }
  return
}

func.func @reference(%x: memref<?x?x?xf32>, %y: memref<?x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %start = arith.constant 0.5 : f32
  %n0 = memref.dim %x, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %x, %c2 : memref<?x?x?xf32>
  scf.for %a = %c0 to %n0 step %c1 {
    %total = scf.for %b = %c0 to %n1 step %c1 iter_args(%sb = %start) -> (f32) {
      %row = scf.for %c = %c0 to %n2 step %c1 iter_args(%sc = %sb) -> (f32) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %t = arith.addf %sc, %v : f32
        scf.yield %t : f32
      }
      scf.yield %row : f32
    }
    scf.for %b = %c0 to %n1 step %c1 {
      scf.for %c = %c0 to %n2 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %w = arith.subf %v, %total : f32
        memref.store %w, %y[%a, %b, %c] : memref<?x?x?xf32>
      }
    }
  }
  return
}

// x[a, b, c] = (5a + 3b + c) mod 7 - 3.
func.func @fill(%x: memref<?x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %n0 = memref.dim %x, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %x, %c2 : memref<?x?x?xf32>
  scf.for %a = %c0 to %n0 step %c1 {
    scf.for %b = %c0 to %n1 step %c1 {
      scf.for %c = %c0 to %n2 step %c1 {
        %a5 = arith.muli %a, %c5 : index
        %b3 = arith.muli %b, %c3 : index
        %ab = arith.addi %a5, %b3 : index
        %s = arith.addi %ab, %c : index
        %r = arith.remui %s, %c7 : index
        %v = arith.subi %r, %c3 : index
        %i64 = arith.index_cast %v : index to i64
        %f = arith.sitofp %i64 : i64 to f32
        memref.store %f, %x[%a, %b, %c] : memref<?x?x?xf32>
      }
    }
  }
  return
}

// max |a - b| and sum |b| over two 3-d buffers, added to the running pair.
func.func @compare(%a: memref<?x?x?xf32>, %b: memref<?x?x?xf32>, %d0: f32, %s0: f32) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n0 = memref.dim %a, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %a, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %a, %c2 : memref<?x?x?xf32>
  %r0:2 = scf.for %i = %c0 to %n0 step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
    %r1:2 = scf.for %j = %c0 to %n1 step %c1 iter_args(%d2 = %d1, %s2 = %s1) -> (f32, f32) {
      %r2:2 = scf.for %k = %c0 to %n2 step %c1 iter_args(%d3 = %d2, %s3 = %s2) -> (f32, f32) {
        %x = memref.load %a[%i, %j, %k] : memref<?x?x?xf32>
        %y = memref.load %b[%i, %j, %k] : memref<?x?x?xf32>
        %diff = arith.subf %x, %y : f32
        %abs = math.absf %diff : f32
        %d4 = arith.maximumf %d3, %abs : f32
        %size = math.absf %y : f32
        %s4 = arith.addf %s3, %size : f32
        scf.yield %d4, %s4 : f32, f32
      }
      scf.yield %r2#0, %r2#1 : f32, f32
    }
    scf.yield %r1#0, %r1#1 : f32, f32
  }
  return %r0#0, %r0#1 : f32, f32
}

func.func @check(%n0: index, %n1: index, %n2: index) {
  %zero = arith.constant 0.0 : f32
  %x = memref.alloc(%n0, %n1, %n2) : memref<?x?x?xf32>
  %y = memref.alloc(%n0, %n1, %n2) : memref<?x?x?xf32>
  %y2 = memref.alloc(%n0, %n1, %n2) : memref<?x?x?xf32>
  func.call @fill(%x) : (memref<?x?x?xf32>) -> ()
  func.call @rows(%x, %y) : (memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
  func.call @reference(%x, %y2) : (memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
  %d:2 = func.call @compare(%y, %y2, %zero, %zero) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  vector.print %d#0 : f32
  vector.print %d#1 : f32
  memref.dealloc %x : memref<?x?x?xf32>
  memref.dealloc %y : memref<?x?x?xf32>
  memref.dealloc %y2 : memref<?x?x?xf32>
  return
}

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c40 = arith.constant 40 : index
  func.call @check(%c2, %c3, %c5) : (index, index, index) -> ()
  func.call @check(%c3, %c7, %c40) : (index, index, index) -> ()
  func.call @check(%c1, %c1, %c1) : (index, index, index) -> ()
  return
}
