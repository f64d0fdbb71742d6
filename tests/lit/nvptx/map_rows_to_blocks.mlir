// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-rows-to-blocks))' | FileCheck %s

// A row of 768 that is summed, then normalized: one block per row (its index on
// grid x, scaled by the step and offset), 256 threads. The sum: each thread's strided share (from its index,
// by 256), the partials halved 8 times in shared memory, then one thread adds the
// total to the scalar buffer. Every thread reads the result; one stores it; the
// inner parallel loop is spread over the threads.
// CHECK-LABEL: func.func @mean_and_scale
// CHECK:         scf.parallel (%[[B:.*]]) =
// CHECK:           %[[SCALED:.*]] = arith.muli %[[B]], %c1
// CHECK:           %[[R:.*]] = arith.addi %c0{{.*}}, %[[SCALED]]
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

// ReduceSum over the last axis as lowering leaves it: the sum goes straight into
// the output, at indices that the loop does not change (two constants 0 alike).
// The rows of the 2-d nest are numbered on grid x alone and recovered, the last
// dim fastest; the last phase adds the total to the output's element.
// CHECK-LABEL: func.func @sum_into_output
// CHECK:         arith.divui
// CHECK:         %[[ROWS1:.*]] = arith.divui
// CHECK:         %[[ROWS:.*]] = arith.muli %{{.*}}, %[[ROWS1]]
// CHECK:         scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%[[ROWS]]) step
// CHECK:           %[[INNER:.*]] = arith.remui %[[B]], %[[ROWS1]]
// CHECK:           %[[OUTER:.*]] = arith.divui %[[B]], %[[ROWS1]]
// CHECK:           %[[PARTIALS:.*]] = memref.alloca() : memref<64xf32>
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c64{{.*}}) step
// CHECK:             scf.for
// CHECK-COUNT-6:   arith.addf {{.*}} fastmath<reassoc>
// CHECK:           scf.parallel ({{.*}}) = (%{{.*}}) to (%c1{{.*}}) step
// CHECK:             %[[TOTAL:.*]] = memref.load %[[PARTIALS]][%c0
// CHECK:             %[[BEFORE:.*]] = memref.load %arg1[%{{.*}}, %{{.*}}, %c0{{.*}}]
// CHECK:             %[[AFTER:.*]] = arith.addf %[[BEFORE]], %[[TOTAL]]
// CHECK:             memref.store %[[AFTER]], %arg1[%{{.*}}, %{{.*}}, %c0{{.*}}]
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @sum_into_output(%x: memref<?x?x40xf32>, %y: memref<?x?x1xf32>) {
  %c0 = arith.constant 0 : index
  %c0_load = arith.constant 0 : index
  %c0_store = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c40 = arith.constant 40 : index
  %n0 = memref.dim %x, %c0 : memref<?x?x40xf32>
  %n1 = memref.dim %x, %c1 : memref<?x?x40xf32>
  scf.parallel (%a) = (%c0) to (%n0) step (%c1) {
    scf.parallel (%b) = (%c0) to (%n1) step (%c1) {
      scf.for %c = %c0 to %c40 step %c1 {
        %v = memref.load %x[%a, %b, %c] : memref<?x?x40xf32>
        %s = memref.load %y[%a, %b, %c0_load] : memref<?x?x1xf32>
        %t = arith.addf %s, %v fastmath<reassoc> : f32
        memref.store %t, %y[%a, %b, %c0_store] : memref<?x?x1xf32>
      }
      scf.reduce
    }
    scf.reduce
  }
  return
}

// Into the output, a reduction whose loads stride across rows (over a middle
// axis): a block per row when the rows are few (4 x 16, a constant count under
// 1024), as a thread each would leave the GPU idle; left alone when they are many
// (4 x 512: a thread per row, neighbouring threads reading neighbouring elements).
// Left alone too: a reduction into an element that the loop also reads elsewhere.
// CHECK-LABEL: func.func @strided_into_output
// CHECK:         scf.parallel
// CHECK:           arith.maximumf
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK-NOT:     mapping
// CHECK:         return
func.func @strided_into_output(%x: memref<4x8x16xf32>, %y: memref<4x1x16xf32>,
                               %u: memref<4x8x512xf32>, %v: memref<4x1x512xf32>,
                               %z: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%a, %c) = (%c0, %c0) to (%c4, %c16) step (%c1, %c1) {
    scf.for %b = %c0 to %c8 step %c1 {
      %e = memref.load %x[%a, %b, %c] : memref<4x8x16xf32>
      %m = memref.load %y[%a, %c0, %c] : memref<4x1x16xf32>
      %n = arith.maximumf %m, %e : f32
      memref.store %n, %y[%a, %c0, %c] : memref<4x1x16xf32>
    }
    scf.reduce
  }
  scf.parallel (%a, %c) = (%c0, %c0) to (%c4, %c512) step (%c1, %c1) {
    scf.for %b = %c0 to %c8 step %c1 {
      %e = memref.load %u[%a, %b, %c] : memref<4x8x512xf32>
      %m = memref.load %v[%a, %c0, %c] : memref<4x1x512xf32>
      %n = arith.maximumf %m, %e : f32
      memref.store %n, %v[%a, %c0, %c] : memref<4x1x512xf32>
    }
    scf.reduce
  }
  scf.parallel (%a) = (%c0) to (%c4) step (%c1) {
    scf.for %b = %c1 to %c8 step %c1 {
      %w = memref.load %z[%a, %b] : memref<4x8xf32>
      %s = memref.load %z[%a, %c0] : memref<4x8xf32>
      %t = arith.addf %s, %w fastmath<reassoc> : f32
      memref.store %t, %z[%a, %c0] : memref<4x8xf32>
    }
    scf.reduce
  }
  return
}

// ReduceMean over every axis: a sequential nest outside any parallel loop, into a
// rank-0 buffer, becomes a single block; its threads share the nest's 12000
// iterations, numbered with the last loop fastest (256 threads, 8 tree steps).
// A nest that stores at its own index (a running sum) stays on the host.
// CHECK-LABEL: func.func @whole_reduction
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
// CHECK:           scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c256{{.*}}) step
// CHECK:             scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK:               arith.remui %[[I]]
// CHECK:               arith.divui %[[I]]
// CHECK:               memref.load %arg0
// CHECK:               arith.addf {{.*}} fastmath<reassoc>
// CHECK-COUNT-8:   arith.addf {{.*}} fastmath<reassoc>
// CHECK:             memref.load %[[SUM:.*]][] : memref<f32>
// CHECK:             memref.store %{{.*}}, %[[SUM]][] : memref<f32>
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK-NOT:     mapping
// CHECK:         return
func.func @whole_reduction(%x: memref<30x400xf32>, %y: memref<30x400xf32>) -> memref<f32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c30 = arith.constant 30 : index
  %c400 = arith.constant 400 : index
  %zero = arith.constant 0.0 : f32
  %sum = memref.alloc() : memref<f32>
  memref.store %zero, %sum[] : memref<f32>
  scf.for %i = %c0 to %c30 step %c1 {
    scf.for %j = %c0 to %c400 step %c1 {
      %v = memref.load %x[%i, %j] : memref<30x400xf32>
      %s = memref.load %sum[] : memref<f32>
      %t = arith.addf %s, %v fastmath<reassoc> : f32
      memref.store %t, %sum[] : memref<f32>
    }
  }
  scf.for %i = %c0 to %c30 step %c1 {
    scf.for %j = %c1 to %c400 step %c1 {
      %previous = arith.subi %j, %c1 : index
      %p = memref.load %y[%i, %previous] : memref<30x400xf32>
      %v = memref.load %x[%i, %j] : memref<30x400xf32>
      %q = arith.addf %p, %v : f32
      memref.store %q, %y[%i, %j] : memref<30x400xf32>
    }
  }
  return %sum : memref<f32>
}
