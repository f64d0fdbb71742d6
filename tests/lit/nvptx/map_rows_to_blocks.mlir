// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' | FileCheck %s

// A row of 768 that is summed, then normalized: one block per row (x over the
// last dim), 256 threads. The sum: each thread's strided share (from its index,
// by 256), the partials halved 8 times in shared memory, then one thread adds the
// total to the scalar buffer. Every thread reads the result; one stores it; the
// inner parallel loop is spread over the threads.
// CHECK-LABEL: func.func @mean_and_scale
// CHECK:         scf.parallel (%[[R:.*]]) =
// CHECK:           %[[PARTIALS:.*]] = memref.alloca() : memref<256xf32>
// CHECK:           %[[SUM:.*]] = memref.alloca() : memref<f32>
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c1{{.*}}) step
// CHECK:             memref.store %{{.*}}, %[[SUM]][]
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:           scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c256{{.*}}) step
// CHECK:             %[[START:.*]] = arith.addi
// CHECK:             %[[SHARE:.*]] = scf.for %{{.*}} = %[[START]] to %{{.*}} step %{{.*}} iter_args(%[[P:.*]] = %cst{{.*}}) -> (f32)
// CHECK:               arith.addf %[[P]], %{{.*}} fastmath<reassoc>
// CHECK:             memref.store %[[SHARE]], %[[PARTIALS]][%[[T]]]
// CHECK-COUNT-8:   arith.addf {{.*}} fastmath<reassoc>
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c1{{.*}}) step
// CHECK:             memref.load %[[PARTIALS]]
// CHECK:             memref.load %[[SUM]][]
// CHECK:             arith.addf
// CHECK:             memref.store %{{.*}}, %[[SUM]][]
// CHECK:           %[[TOTAL:.*]] = memref.load %[[SUM]][]
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c1{{.*}}) step
// CHECK:             memref.store %[[TOTAL]], %arg1[%[[R]]]
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c256{{.*}}) step
// CHECK:             scf.for
// CHECK:               arith.mulf
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @mean_and_scale(%x: memref<?x768xf32>, %sums: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c768 = arith.constant 768 : index
  %zero = arith.constant 0.0 : f32
  %rows = memref.dim %x, %c0 : memref<?x768xf32>
  scf.parallel (%r) = (%c0) to (%rows) step (%c1) {
    %sum = memref.alloca() : memref<f32>
    memref.store %zero, %sum[] : memref<f32>
    scf.for %j = %c0 to %c768 step %c1 {
      %v = memref.load %x[%r, %j] : memref<?x768xf32>
      %s = memref.load %sum[] : memref<f32>
      %t = arith.addf %s, %v fastmath<reassoc> : f32
      memref.store %t, %sum[] : memref<f32>
    }
    %total = memref.load %sum[] : memref<f32>
    memref.store %total, %sums[%r] : memref<?xf32>
    scf.parallel (%j) = (%c0) to (%c768) step (%c1) {
      %v = memref.load %x[%r, %j] : memref<?x768xf32>
      %w = arith.mulf %v, %total : f32
      memref.store %w, %x[%r, %j] : memref<?x768xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// Left alone: a running value that the loop also reads for another purpose (an
// argmax), a float sum that may not be regrouped (no reassoc), and a loop whose
// iterations also depend on each other through memory (a prefix sum).
// CHECK-LABEL: func.func @not_reductions
// CHECK-NOT:     mapping
// CHECK:         return
func.func @not_reductions(%x: memref<4x8xf32>, %at: memref<4xindex>, %y: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%r) = (%c0) to (%c4) step (%c1) {
    %max = memref.alloca() : memref<f32>
    %arg = memref.alloca() : memref<index>
    memref.store %zero, %max[] : memref<f32>
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %x[%r, %j] : memref<4x8xf32>
      %m = memref.load %max[] : memref<f32>
      %greater = arith.cmpf ogt, %v, %m : f32
      %a = memref.load %arg[] : memref<index>
      %b = arith.select %greater, %j, %a : index
      memref.store %b, %arg[] : memref<index>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[] : memref<f32>
    }
    %i = memref.load %arg[] : memref<index>
    memref.store %i, %at[%r] : memref<4xindex>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c4) step (%c1) {
    %sum = memref.alloca() : memref<f32>
    memref.store %zero, %sum[] : memref<f32>
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %x[%r, %j] : memref<4x8xf32>
      %s = memref.load %sum[] : memref<f32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %sum[] : memref<f32>
    }
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c4) step (%c1) {
    %sum = memref.alloca() : memref<f32>
    memref.store %zero, %sum[] : memref<f32>
    scf.for %j = %c1 to %c8 step %c1 {
      %previous = arith.subi %j, %c1 : index
      %p = memref.load %y[%r, %previous] : memref<4x8xf32>
      %v = memref.load %x[%r, %j] : memref<4x8xf32>
      %q = arith.addf %p, %v : f32
      memref.store %q, %y[%r, %j] : memref<4x8xf32>
      %s = memref.load %sum[] : memref<f32>
      %t = arith.addf %s, %v fastmath<reassoc> : f32
      memref.store %t, %sum[] : memref<f32>
    }
    scf.reduce
  }
  return
}
