// Rows that reduce, as omc-map-rows-to-blocks puts them in phase form (one block
// per row), run sequentially on this CPU (upstream's lowering and mlir-runner)
// against the same computation written with sequential loops, which the pass leaves
// alone. Per row of x: a sum; then a max from -100 (not the identity, which the
// threads' partials start from), whose loop also stores each element less the sum,
// read from its scalar buffer (as Softmax stores its exponentials); both stored;
// then every element scaled by them. The inputs are small integers and the row
// lengths make exact sums, so the two must agree to the last bit: each case prints
// the largest |difference| over all outputs (0), then the sum of |outputs| (not 0,
// so that the outputs are not trivial).
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' \
// RUN:   | /usr/lib/llvm-22/bin/mlir-opt --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_runner_utils.so \
// RUN:   | FileCheck %s

// 3 rows of 5 (32 threads), 2 of 300 (256 threads, strided shares), 4 of 1, 2 of 0.
// CHECK:      0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NOT:  {{.}}

// The rows as the ONNX lowering leaves them: a parallel nest over rows.
func.func @rows(%x: memref<?x?xf32>, %y: memref<?x?xf32>, %z: memref<?x?xf32>,
                %stats: memref<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %low = arith.constant -100.0 : f32
  %rows = memref.dim %x, %c0 : memref<?x?xf32>
  %cols = memref.dim %x, %c1 : memref<?x?xf32>
  scf.parallel (%r) = (%c0) to (%rows) step (%c1) {
    %sum = memref.alloca() : memref<f32>
    %max = memref.alloca() : memref<f32>
    memref.store %zero, %sum[] : memref<f32>
    scf.for %j = %c0 to %cols step %c1 {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %s = memref.load %sum[] : memref<f32>
      %t = arith.addf %s, %v fastmath<reassoc> : f32
      memref.store %t, %sum[] : memref<f32>
    }
    %total = memref.load %sum[] : memref<f32>
    memref.store %low, %max[] : memref<f32>
    scf.for %j = %c0 to %cols step %c1 {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %earlier = memref.load %sum[] : memref<f32>
      %centered = arith.subf %v, %earlier : f32
      memref.store %centered, %z[%r, %j] : memref<?x?xf32>
      %m = memref.load %max[] : memref<f32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[] : memref<f32>
    }
    %largest = memref.load %max[] : memref<f32>
    memref.store %total, %stats[%r, %c0] : memref<?x2xf32>
    memref.store %largest, %stats[%r, %c1] : memref<?x2xf32>
    scf.parallel (%j) = (%c0) to (%cols) step (%c1) {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %w = arith.mulf %v, %largest : f32
      %u = arith.addf %w, %total : f32
      memref.store %u, %y[%r, %j] : memref<?x?xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// The same with sequential loops only.
func.func @reference(%x: memref<?x?xf32>, %y: memref<?x?xf32>, %z: memref<?x?xf32>,
                     %stats: memref<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %low = arith.constant -100.0 : f32
  %rows = memref.dim %x, %c0 : memref<?x?xf32>
  %cols = memref.dim %x, %c1 : memref<?x?xf32>
  scf.for %r = %c0 to %rows step %c1 {
    %total = scf.for %j = %c0 to %cols step %c1 iter_args(%s = %zero) -> (f32) {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %t = arith.addf %s, %v : f32
      scf.yield %t : f32
    }
    %largest = scf.for %j = %c0 to %cols step %c1 iter_args(%m = %low) -> (f32) {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %centered = arith.subf %v, %total : f32
      memref.store %centered, %z[%r, %j] : memref<?x?xf32>
      %n = arith.maximumf %m, %v : f32
      scf.yield %n : f32
    }
    memref.store %total, %stats[%r, %c0] : memref<?x2xf32>
    memref.store %largest, %stats[%r, %c1] : memref<?x2xf32>
    scf.for %j = %c0 to %cols step %c1 {
      %v = memref.load %x[%r, %j] : memref<?x?xf32>
      %w = arith.mulf %v, %largest : f32
      %u = arith.addf %w, %total : f32
      memref.store %u, %y[%r, %j] : memref<?x?xf32>
    }
  }
  return
}

// m[i, j] = (3i + j) mod 7 - 3.
func.func @fill(%m: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %rows = memref.dim %m, %c0 : memref<?x?xf32>
  %cols = memref.dim %m, %c1 : memref<?x?xf32>
  scf.for %i = %c0 to %rows step %c1 {
    scf.for %j = %c0 to %cols step %c1 {
      %i3 = arith.muli %i, %c3 : index
      %s = arith.addi %i3, %j : index
      %r = arith.remui %s, %c7 : index
      %v = arith.subi %r, %c3 : index
      %i64 = arith.index_cast %v : index to i64
      %f = arith.sitofp %i64 : i64 to f32
      memref.store %f, %m[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// max |a - b| and sum |b| over two matrices, added to the running pair.
func.func @compare(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %d0: f32, %s0: f32) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %a, %c0 : memref<?x?xf32>
  %n = memref.dim %a, %c1 : memref<?x?xf32>
  %stats:2 = scf.for %i = %c0 to %m step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
    %row:2 = scf.for %j = %c0 to %n step %c1 iter_args(%d2 = %d1, %s2 = %s1) -> (f32, f32) {
      %x = memref.load %a[%i, %j] : memref<?x?xf32>
      %y = memref.load %b[%i, %j] : memref<?x?xf32>
      %diff = arith.subf %x, %y : f32
      %abs = math.absf %diff : f32
      %d3 = arith.maximumf %d2, %abs : f32
      %size = math.absf %y : f32
      %s3 = arith.addf %s2, %size : f32
      scf.yield %d3, %s3 : f32, f32
    }
    scf.yield %row#0, %row#1 : f32, f32
  }
  return %stats#0, %stats#1 : f32, f32
}

func.func @check(%rows: index, %cols: index) {
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.alloc(%rows, %cols) : memref<?x?xf32>
  %y = memref.alloc(%rows, %cols) : memref<?x?xf32>
  %z = memref.alloc(%rows, %cols) : memref<?x?xf32>
  %st = memref.alloc(%rows) : memref<?x2xf32>
  %y2 = memref.alloc(%rows, %cols) : memref<?x?xf32>
  %z2 = memref.alloc(%rows, %cols) : memref<?x?xf32>
  %st2 = memref.alloc(%rows) : memref<?x2xf32>
  func.call @fill(%x) : (memref<?x?xf32>) -> ()
  func.call @rows(%x, %y, %z, %st) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>, memref<?x2xf32>) -> ()
  func.call @reference(%x, %y2, %z2, %st2) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>, memref<?x2xf32>) -> ()
  %p:2 = func.call @compare(%y, %y2, %zero, %zero) : (memref<?x?xf32>, memref<?x?xf32>, f32, f32) -> (f32, f32)
  %q:2 = func.call @compare(%z, %z2, %p#0, %p#1) : (memref<?x?xf32>, memref<?x?xf32>, f32, f32) -> (f32, f32)
  %s = memref.cast %st : memref<?x2xf32> to memref<?x?xf32>
  %s2 = memref.cast %st2 : memref<?x2xf32> to memref<?x?xf32>
  %t:2 = func.call @compare(%s, %s2, %q#0, %q#1) : (memref<?x?xf32>, memref<?x?xf32>, f32, f32) -> (f32, f32)
  vector.print %t#0 : f32
  vector.print %t#1 : f32
  memref.dealloc %x : memref<?x?xf32>
  memref.dealloc %y : memref<?x?xf32>
  memref.dealloc %z : memref<?x?xf32>
  memref.dealloc %st : memref<?x2xf32>
  memref.dealloc %y2 : memref<?x?xf32>
  memref.dealloc %z2 : memref<?x?xf32>
  memref.dealloc %st2 : memref<?x2xf32>
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c300 = arith.constant 300 : index
  func.call @check(%c3, %c5) : (index, index) -> ()
  func.call @check(%c2, %c300) : (index, index) -> ()
  func.call @check(%c4, %c1) : (index, index) -> ()
  func.call @check(%c2, %c0) : (index, index) -> ()
  return
}
