// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-hoist-parallel-loops))' | FileCheck %s

// ReduceMax over the middle axis as lowering leaves it: each iteration of the
// parallel loop over the last axis owns its output element (one index list, with
// two constants 0 alike), so the parallel loop moves outside the sequential one
// and the nest becomes perfectly parallel.
// CHECK-LABEL: func.func @max_over_middle_axis
// CHECK:         scf.parallel (%[[A:.*]]) =
// CHECK-NEXT:      scf.parallel (%[[C:.*]]) = (%c0) to (%c16) step (%c1) {
// CHECK-NEXT:        scf.for %[[B:.*]] = %c0 to %c4000 step %c1 {
// CHECK-NEXT:          memref.load %arg0[%[[A]], %[[B]], %[[C]]]
// CHECK-NEXT:          memref.load %arg1[%[[A]], %c0{{.*}}, %[[C]]]
// CHECK-NEXT:          arith.maximumf
// CHECK-NEXT:          memref.store %{{.*}}, %arg1[%[[A]], %c0{{.*}}, %[[C]]]
// CHECK-NEXT:        }
// CHECK-NEXT:        scf.reduce
// CHECK-NEXT:      }
// CHECK-NEXT:      scf.reduce
// CHECK-NOT:     scf.for
// CHECK:         return
func.func @max_over_middle_axis(%x: memref<8x4000x16xf32>, %y: memref<8x1x16xf32>) {
  %c0 = arith.constant 0 : index
  %c0_load = arith.constant 0 : index
  %c0_store = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c4000 = arith.constant 4000 : index
  scf.parallel (%a) = (%c0) to (%c8) step (%c1) {
    scf.for %b = %c0 to %c4000 step %c1 {
      scf.parallel (%c) = (%c0) to (%c16) step (%c1) {
        %v = memref.load %x[%a, %b, %c] : memref<8x4000x16xf32>
        %m = memref.load %y[%a, %c0_load, %c] : memref<8x1x16xf32>
        %n = arith.maximumf %m, %v : f32
        memref.store %n, %y[%a, %c0_store, %c] : memref<8x1x16xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// Left alone: a step that reads its neighbour's result of the step before (each
// iteration does not own what it reads of a buffer it writes); a write through
// one view and a read through another; a write at an index without the parallel
// loop's (every iteration writes one element); bounds that depend on the
// sequential loop; a body with a region.
// CHECK-LABEL: func.func @not_hoisted
// CHECK:         scf.for
// CHECK-NEXT:      scf.parallel
// CHECK:         scf.for
// CHECK-NEXT:      scf.parallel
// CHECK:         scf.for
// CHECK-NEXT:      scf.parallel
// CHECK:         scf.for
// CHECK-NEXT:      scf.parallel
// CHECK:         scf.for
// CHECK-NEXT:      scf.parallel
// CHECK:         return
func.func @not_hoisted(%y: memref<8x16xf32>, %flat: memref<128xf32>, %z: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c15 = arith.constant 15 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c1 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%c15) step (%c1) {
      %previous = arith.subi %i, %c1 : index
      %right = arith.addi %j, %c1 : index
      %v = memref.load %y[%previous, %right] : memref<8x16xf32>
      memref.store %v, %y[%i, %j] : memref<8x16xf32>
      scf.reduce
    }
  }
  %view = memref.expand_shape %flat [[0, 1]] output_shape [8, 16] : memref<128xf32> into memref<8x16xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %flat[%j] : memref<128xf32>
      memref.store %v, %view[%i, %j] : memref<8x16xf32>
      scf.reduce
    }
  }
  scf.for %i = %c0 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      %v = memref.load %y[%i, %j] : memref<8x16xf32>
      memref.store %v, %z[%i] : memref<16xf32>
      scf.reduce
    }
  }
  scf.for %i = %c0 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%i) step (%c1) {
      %v = memref.load %y[%i, %j] : memref<8x16xf32>
      memref.store %v, %y[%i, %j] : memref<8x16xf32>
      scf.reduce
    }
  }
  scf.for %i = %c0 to %c8 step %c1 {
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      scf.for %k = %c0 to %c8 step %c1 {
        %v = memref.load %y[%k, %j] : memref<8x16xf32>
        memref.store %v, %z[%j] : memref<16xf32>
      }
      scf.reduce
    }
  }
  return
}
