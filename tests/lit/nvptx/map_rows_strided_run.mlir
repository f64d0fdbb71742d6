// A reduction over the middle axis of a static 3x50x7 buffer, into the output, as
// ReduceMax lowers it: 21 rows (a constant count under 1024), so omc-map-rows-to-blocks
// gives each a block although its threads read elements 7 apart. Run sequentially
// on this CPU (upstream's lowering and mlir-runner) against sequential loops; the
// start (-100) is not the identity that the threads' partials start from. Prints the
// largest |difference| (0) and the sum of |outputs| (not 0).
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' \
// RUN:   | FileCheck %s --check-prefix=MAPPED
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' \
// RUN:   | /usr/lib/llvm-22/bin/mlir-opt --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_runner_utils.so \
// RUN:   | FileCheck %s

// MAPPED-LABEL: func.func @rows
// MAPPED:       {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK:      0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NOT:  {{.}}

func.func @rows(%x: memref<3x50x7xf32>, %y: memref<3x1x7xf32>) {
  %c0 = arith.constant 0 : index
  %c0_load = arith.constant 0 : index
  %c0_store = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %c50 = arith.constant 50 : index
  %low = arith.constant -100.0 : f32
  scf.parallel (%a, %c) = (%c0, %c0) to (%c3, %c7) step (%c1, %c1) {
    memref.store %low, %y[%a, %c0, %c] : memref<3x1x7xf32>
    scf.reduce
  }
  scf.parallel (%a, %c) = (%c0, %c0) to (%c3, %c7) step (%c1, %c1) {
    scf.for %b = %c0 to %c50 step %c1 {
      %v = memref.load %x[%a, %b, %c] : memref<3x50x7xf32>
      %m = memref.load %y[%a, %c0_load, %c] : memref<3x1x7xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %y[%a, %c0_store, %c] : memref<3x1x7xf32>
    }
    scf.reduce
  }
  return
}

func.func @reference(%x: memref<3x50x7xf32>, %y: memref<3x1x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %c50 = arith.constant 50 : index
  %low = arith.constant -100.0 : f32
  scf.for %a = %c0 to %c3 step %c1 {
    scf.for %c = %c0 to %c7 step %c1 {
      %largest = scf.for %b = %c0 to %c50 step %c1 iter_args(%m = %low) -> (f32) {
        %v = memref.load %x[%a, %b, %c] : memref<3x50x7xf32>
        %n = arith.maximumf %m, %v : f32
        scf.yield %n : f32
      }
      memref.store %largest, %y[%a, %c0, %c] : memref<3x1x7xf32>
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

func.func @main() {
  %zero = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<3x50x7xf32>
  %y = memref.alloc() : memref<3x1x7xf32>
  %y2 = memref.alloc() : memref<3x1x7xf32>
  %dx = memref.cast %x : memref<3x50x7xf32> to memref<?x?x?xf32>
  func.call @fill(%dx) : (memref<?x?x?xf32>) -> ()
  func.call @rows(%x, %y) : (memref<3x50x7xf32>, memref<3x1x7xf32>) -> ()
  func.call @reference(%x, %y2) : (memref<3x50x7xf32>, memref<3x1x7xf32>) -> ()
  %dy = memref.cast %y : memref<3x1x7xf32> to memref<?x?x?xf32>
  %dy2 = memref.cast %y2 : memref<3x1x7xf32> to memref<?x?x?xf32>
  %d:2 = func.call @compare(%dy, %dy2, %zero, %zero) : (memref<?x?x?xf32>, memref<?x?x?xf32>, f32, f32) -> (f32, f32)
  vector.print %d#0 : f32
  vector.print %d#1 : f32
  memref.dealloc %x : memref<3x50x7xf32>
  memref.dealloc %y : memref<3x1x7xf32>
  memref.dealloc %y2 : memref<3x1x7xf32>
  return
}
