// Reductions as ReduceSum and ReduceMax lower them, into their output buffer, after
// omc-hoist-parallel-loops and omc-map-rows-to-blocks, run sequentially on this
// CPU (upstream's lowering and mlir-runner) against the same computations written
// with sequential loops. Over the last axis, or the last two, each row becomes a
// block in phase form; over the middle axis, the parallel loop over the last axis
// moves out of the sequential one; over all axes, the nest becomes one block. The inputs are small integers, so sums are exact and the two
// must agree to the last bit: each case prints the largest |difference| over the
// four outputs (0), then the sum of their |values| (not 0).
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-hoist-parallel-loops,omc-map-rows-to-blocks))' \
// RUN:   | /usr/lib/llvm-22/bin/mlir-opt --expand-strided-metadata --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_runner_utils.so \
// RUN:   | FileCheck %s

// 2x3x5, 3x2x300 (strided shares), 1x1x1000, and 0x3x5 (no rows: the total is its start).
// CHECK:      0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: 0.5
// CHECK-NOT:  {{.}}

// sums[a, b, 0] = 0.5 + sum over c of x[a, b, c] (the start is not the identity,
// which the threads' partials start from); maxes[a, 0, c] = max over b, from -100.
// planes[a] = sum over b, c of x[a, b, c]; total[0] = 0.5 + sum of all x.
func.func @reduce(%x: memref<?x?x?xf32>, %sums: memref<?x?x1xf32>, %maxes: memref<?x1x?xf32>,
                  %planes: memref<?xf32>, %total: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c0_load = arith.constant 0 : index
  %c0_store = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %start = arith.constant 0.5 : f32
  %low = arith.constant -100.0 : f32
  %n0 = memref.dim %x, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %x, %c2 : memref<?x?x?xf32>
  scf.parallel (%a, %b) = (%c0, %c0) to (%n0, %n1) step (%c1, %c1) {
    memref.store %start, %sums[%a, %b, %c0] : memref<?x?x1xf32>
    scf.reduce
  }
  scf.parallel (%a) = (%c0) to (%n0) step (%c1) {
    scf.parallel (%b) = (%c0) to (%n1) step (%c1) {
      scf.for %c = %c0 to %n2 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %s = memref.load %sums[%a, %b, %c0_load] : memref<?x?x1xf32>
        %t = arith.addf %s, %v fastmath<reassoc> : f32
        memref.store %t, %sums[%a, %b, %c0_store] : memref<?x?x1xf32>
      }
      scf.reduce
    }
    scf.reduce
  }
  scf.parallel (%a, %c) = (%c0, %c0) to (%n0, %n2) step (%c1, %c1) {
    memref.store %low, %maxes[%a, %c0, %c] : memref<?x1x?xf32>
    scf.reduce
  }
  scf.parallel (%a) = (%c0) to (%n0) step (%c1) {
    scf.for %b = %c0 to %n1 step %c1 {
      scf.parallel (%c) = (%c0) to (%n2) step (%c1) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %m = memref.load %maxes[%a, %c0_load, %c] : memref<?x1x?xf32>
        %n = arith.maximumf %m, %v : f32
        memref.store %n, %maxes[%a, %c0_store, %c] : memref<?x1x?xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  scf.parallel (%a) = (%c0) to (%n0) step (%c1) {
    memref.store %zero, %planes[%a] : memref<?xf32>
    scf.for %b = %c0 to %n1 step %c1 {
      scf.for %c = %c0 to %n2 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %s = memref.load %planes[%a] : memref<?xf32>
        %t = arith.addf %s, %v fastmath<reassoc> : f32
        memref.store %t, %planes[%a] : memref<?xf32>
      }
    }
    scf.reduce
  }
  memref.store %start, %total[%c0] : memref<1xf32>
  scf.for %a = %c0 to %n0 step %c1 {
    scf.for %b = %c0 to %n1 step %c1 {
      scf.for %c = %c0 to %n2 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %s = memref.load %total[%c0_load] : memref<1xf32>
        %t = arith.addf %s, %v fastmath<reassoc> : f32
        memref.store %t, %total[%c0_store] : memref<1xf32>
      }
    }
  }
  return
}

// The same with sequential loops only.
func.func @reference(%x: memref<?x?x?xf32>, %sums: memref<?x?x1xf32>, %maxes: memref<?x1x?xf32>,
                     %planes: memref<?xf32>, %total: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %start = arith.constant 0.5 : f32
  %low = arith.constant -100.0 : f32
  %n0 = memref.dim %x, %c0 : memref<?x?x?xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x?xf32>
  %n2 = memref.dim %x, %c2 : memref<?x?x?xf32>
  scf.for %a = %c0 to %n0 step %c1 {
    scf.for %b = %c0 to %n1 step %c1 {
      %rowsum = scf.for %c = %c0 to %n2 step %c1 iter_args(%s = %start) -> (f32) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %t = arith.addf %s, %v : f32
        scf.yield %t : f32
      }
      memref.store %rowsum, %sums[%a, %b, %c0] : memref<?x?x1xf32>
    }
    scf.for %c = %c0 to %n2 step %c1 {
      %largest = scf.for %b = %c0 to %n1 step %c1 iter_args(%m = %low) -> (f32) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %n = arith.maximumf %m, %v : f32
        scf.yield %n : f32
      }
      memref.store %largest, %maxes[%a, %c0, %c] : memref<?x1x?xf32>
    }
  }
  %all = scf.for %a = %c0 to %n0 step %c1 iter_args(%sa = %start) -> (f32) {
    %plane = scf.for %b = %c0 to %n1 step %c1 iter_args(%sb = %zero) -> (f32) {
      %row = scf.for %c = %c0 to %n2 step %c1 iter_args(%sc = %sb) -> (f32) {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x?xf32>
        %t = arith.addf %sc, %v : f32
        scf.yield %t : f32
      }
      scf.yield %row : f32
    }
    memref.store %plane, %planes[%a] : memref<?xf32>
    %next = arith.addf %sa, %plane : f32
    scf.yield %next : f32
  }
  memref.store %all, %total[%c0] : memref<1xf32>
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
  %sums = memref.alloc(%n0, %n1) : memref<?x?x1xf32>
  %maxes = memref.alloc(%n0, %n2) : memref<?x1x?xf32>
  %sums2 = memref.alloc(%n0, %n1) : memref<?x?x1xf32>
  %maxes2 = memref.alloc(%n0, %n2) : memref<?x1x?xf32>
  %planes = memref.alloc(%n0) : memref<?xf32>
  %planes2 = memref.alloc(%n0) : memref<?xf32>
  %total = memref.alloc() : memref<1xf32>
  %total2 = memref.alloc() : memref<1xf32>
  func.call @fill(%x) : (memref<?x?x?xf32>) -> ()
  func.call @reduce(%x, %sums, %maxes, %planes, %total) : (memref<?x?x?xf32>, memref<?x?x1xf32>, memref<?x1x?xf32>, memref<?xf32>, memref<1xf32>) -> ()
  func.call @reference(%x, %sums2, %maxes2, %planes2, %total2) : (memref<?x?x?xf32>, memref<?x?x1xf32>, memref<?x1x?xf32>, memref<?xf32>, memref<1xf32>) -> ()
  %fs = memref.cast %sums : memref<?x?x1xf32> to memref<?x?x?xf32>
  %fs2 = memref.cast %sums2 : memref<?x?x1xf32> to memref<?x?x?xf32>
  %fm = memref.cast %maxes : memref<?x1x?xf32> to memref<?x?x?xf32>
  %fm2 = memref.cast %maxes2 : memref<?x1x?xf32> to memref<?x?x?xf32>
  %p:2 = func.call @compare(%fs, %fs2, %zero, %zero) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  %q:2 = func.call @compare(%fm, %fm2, %p#0, %p#1) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  %fp = memref.expand_shape %planes [[0, 1, 2]] output_shape [%n0, 1, 1] : memref<?xf32> into memref<?x1x1xf32>
  %fp2 = memref.expand_shape %planes2 [[0, 1, 2]] output_shape [%n0, 1, 1] : memref<?xf32> into memref<?x1x1xf32>
  %cp = memref.cast %fp : memref<?x1x1xf32> to memref<?x?x?xf32>
  %cp2 = memref.cast %fp2 : memref<?x1x1xf32> to memref<?x?x?xf32>
  %r:2 = func.call @compare(%cp, %cp2, %q#0, %q#1) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  %ft = memref.expand_shape %total [[0, 1, 2]] output_shape [1, 1, 1] : memref<1xf32> into memref<1x1x1xf32>
  %ft2 = memref.expand_shape %total2 [[0, 1, 2]] output_shape [1, 1, 1] : memref<1xf32> into memref<1x1x1xf32>
  %ct = memref.cast %ft : memref<1x1x1xf32> to memref<?x?x?xf32>
  %ct2 = memref.cast %ft2 : memref<1x1x1xf32> to memref<?x?x?xf32>
  %t:2 = func.call @compare(%ct, %ct2, %r#0, %r#1) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  vector.print %t#0 : f32
  vector.print %t#1 : f32
  memref.dealloc %x : memref<?x?x?xf32>
  memref.dealloc %sums : memref<?x?x1xf32>
  memref.dealloc %maxes : memref<?x1x?xf32>
  memref.dealloc %sums2 : memref<?x?x1xf32>
  memref.dealloc %maxes2 : memref<?x1x?xf32>
  memref.dealloc %planes : memref<?xf32>
  memref.dealloc %planes2 : memref<?xf32>
  memref.dealloc %total : memref<1xf32>
  memref.dealloc %total2 : memref<1xf32>
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c300 = arith.constant 300 : index
  %c1000 = arith.constant 1000 : index
  func.call @check(%c2, %c3, %c5) : (index, index, index) -> ()
  func.call @check(%c3, %c2, %c300) : (index, index, index) -> ()
  func.call @check(%c1, %c1, %c1000) : (index, index, index) -> ()
  func.call @check(%c0, %c3, %c5) : (index, index, index) -> ()
  return
}
