// RUN: omc-opt %s --omc-outline-parallel-loops=min-work=64 | FileCheck %s

// The outermost parallel loop becomes a call over its iteration count; its body
// moves into a chunk function that runs iterations [first, last), the original
// induction value being lower + k * step. Constants are cloned, the rest passed.
// CHECK-LABEL: func.func @scale
// CHECK-SAME:    (%[[IN:.*]]: memref<64x16xf32>, %[[OUT:.*]]: memref<64x16xf32>, %[[F:.*]]: f32)
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[LOWER:.*]] = affine.apply #{{.*}}()
// CHECK:         %[[COUNT:.*]] = arith.ceildivsi
// CHECK:         call @scale.omc_parallel.0(%[[ZERO]], %[[COUNT]], %[[LOWER]], %[[IN]], %[[F]], %[[OUT]])
// CHECK-NOT:     affine.parallel
// CHECK:         return
func.func @scale(%in: memref<64x16xf32>, %out: memref<64x16xf32>, %f: f32) {
  %two = arith.constant 2.0 : f32
  affine.parallel (%i) = (0) to (64) step (2) {
    affine.for %j = 0 to 16 {
      %v = affine.load %in[%i, %j] : memref<64x16xf32>
      %w = arith.mulf %v, %f : f32
      %x = arith.addf %w, %two : f32
      affine.store %x, %out[%i, %j] : memref<64x16xf32>
    }
  }
  return
}
// CHECK-LABEL: func.func private @scale.omc_parallel.0
// CHECK-SAME:    (%[[FIRST:.*]]: index, %[[LAST:.*]]: index, %[[LO:.*]]: index, %[[A:.*]]: memref<64x16xf32>, %[[S:.*]]: f32, %[[B:.*]]: memref<64x16xf32>)
// CHECK:         %[[TWO:.*]] = arith.constant 2.0
// CHECK:         affine.for %[[K:.*]] = %[[FIRST]] to %[[LAST]] {
// CHECK:           %[[I:.*]] = affine.apply #[[STEP2:.*]](%[[K]])[%[[LO]]]
// CHECK:           affine.for %[[J:.*]] = 0 to 16 {
// CHECK:             affine.load %[[A]][%[[I]], %[[J]]]
// CHECK:             arith.mulf %{{.*}}, %[[S]]
// CHECK:             arith.addf %{{.*}}, %[[TWO]]
// CHECK:             affine.store %{{.*}}, %[[B]][%[[I]], %[[J]]]

// Too little work: stays where it is.
// CHECK-LABEL: func.func @small
// CHECK:         affine.parallel
// CHECK-NOT:     call
func.func @small(%out: memref<4xf32>, %f: f32) {
  affine.parallel (%i) = (0) to (4) {
    affine.store %f, %out[%i] : memref<4xf32>
  }
  return
}

// A marked scf.for (the matmul's panel loop) inside a sequential loop: outlined per
// iteration of the outer one, whose induction variable is passed in; dynamic bounds.
// CHECK-LABEL: func.func @marked
// CHECK:         scf.for %[[P:.*]] =
// CHECK:           %[[SPAN:.*]] = arith.subi %[[N:.*]], %[[C0:.*]] : index
// CHECK:           call @marked.omc_parallel.1(%{{.*}}, %{{.*}}, %[[C0]], %{{.*}}, %[[P]])
// CHECK-NOT:     scf.for {{.*}} omc.parallel
func.func @marked(%buf: memref<?x?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  scf.for %p = %c0 to %m step %c1 {
    scf.for %j = %c0 to %n step %c32 {
      %v = memref.load %buf[%p, %j] : memref<?x?xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %buf[%p, %j] : memref<?x?xf32>
    } {omc.parallel}
  }
  return
}
// CHECK-LABEL: func.func private @marked.omc_parallel.1
// CHECK:         affine.for
// CHECK:           affine.apply #{{.*}}(%{{.*}})[%{{.*}}]
// CHECK:           memref.load

// An unmarked scf.for and a loop of one iteration are not split; the parallel loop
// inside the latter is.
// CHECK-LABEL: func.func @unmarked
// CHECK:         scf.for
// CHECK:         affine.for %{{.*}} = 0 to 1 {
// CHECK:           call @unmarked.omc_parallel.2
func.func @unmarked(%buf: memref<?xf32>, %n: index, %out: memref<1x128xf32>, %f: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %j = %c0 to %n step %c1 {
    %v = memref.load %buf[%j] : memref<?xf32>
    memref.store %v, %buf[%j] : memref<?xf32>
  }
  affine.for %a = 0 to 1 {
    affine.parallel (%b) = (0) to (128) {
      affine.store %f, %out[%a, %b] : memref<1x128xf32>
    }
  }
  return
}

// Static allocas inside loops move to the function's entry.
// CHECK-LABEL: func.func @accumulate
// CHECK-NEXT:    memref.alloca() : memref<f32>
// CHECK:         affine.for
func.func @accumulate(%in: memref<4x8xf32>, %out: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    %acc = memref.alloca() : memref<f32>
    affine.store %zero, %acc[] : memref<f32>
    affine.for %j = 0 to 8 {
      %v = affine.load %in[%i, %j] : memref<4x8xf32>
      %s = affine.load %acc[] : memref<f32>
      %t = arith.addf %s, %v : f32
      affine.store %t, %acc[] : memref<f32>
    }
    %r = affine.load %acc[] : memref<f32>
    affine.store %r, %out[%i] : memref<4xf32>
  }
  return
}

// A dynamic outer loop (a batch, 1 at run time) and the few iterations of the one inside
// it take in the loops perfectly nested below while each iteration of these has work
// enough (here 64 x 5 ops): one range over all their iterations, delinearized in the
// chunk (static counts as constants), each loop's lower bound passed.
// CHECK-LABEL: func.func @joined
// CHECK-SAME:    (%[[BUF:.*]]: memref<?x12x?x64xf32>, %[[B:.*]]: index, %[[M:.*]]: index)
// CHECK:         arith.muli
// CHECK:         %[[TOTAL:.*]] = arith.muli
// CHECK:         call @joined.omc_parallel.3(%{{.*}}, %[[TOTAL]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[BUF]], %[[M]])
// CHECK-NOT:     affine.parallel
// CHECK:         return
func.func @joined(%buf: memref<?x12x?x64xf32>, %b: index, %m: index) {
  affine.parallel (%i) = (0) to (%b) {
    affine.parallel (%h) = (0) to (12) {
      affine.parallel (%r) = (0) to (%m) {
        affine.for %d = 0 to 64 {
          %v = affine.load %buf[%i, %h, %r, %d] : memref<?x12x?x64xf32>
          %w = arith.mulf %v, %v : f32
          %x = arith.addf %w, %v : f32
          affine.store %x, %buf[%i, %h, %r, %d] : memref<?x12x?x64xf32>
        }
      }
    }
  }
  return
}
// CHECK-LABEL: func.func private @joined.omc_parallel.3
// CHECK-SAME:    (%[[FIRST:.*]]: index, %[[LAST:.*]]: index, %[[LO0:.*]]: index, %[[LO1:.*]]: index, %[[LO2:.*]]: index, %{{.*}}: index, %[[ROWS:.*]]: index, %[[A:.*]]: memref<?x12x?x64xf32>,
// CHECK:         affine.for %[[K:.*]] = %[[FIRST]] to %[[LAST]] {
// CHECK:           %[[IDX:.*]]:3 = affine.delinearize_index %[[K]] into (12, %[[ROWS]])
// CHECK:           %[[I:.*]] = affine.apply #{{.*}}(%[[IDX]]#0)[%[[LO0]]]
// CHECK:           %[[H:.*]] = affine.apply #{{.*}}(%[[IDX]]#1)[%[[LO1]]]
// CHECK:           %[[R:.*]] = affine.apply #{{.*}}(%[[IDX]]#2)[%[[LO2]]]
// CHECK:           affine.for %[[D:.*]] = 0 to 64 {
// CHECK:             affine.load %[[A]][%[[I]], %[[H]], %[[R]], %[[D]]]

// Not joined: an inner loop whose iterations do little (one store: vectorized, a
// delinearization each would cost more than it), and one whose bounds depend on the
// outer loop's induction variable.
// CHECK-LABEL: func.func @not_joined
// CHECK:         call @not_joined.omc_parallel.4(
// CHECK:         call @not_joined.omc_parallel.5(
// Each chunk function goes right after its parent: the later one first.
// CHECK-LABEL: func.func private @not_joined.omc_parallel.5
// CHECK-NOT:     affine.delinearize_index
// CHECK:         affine.parallel
// CHECK-LABEL: func.func private @not_joined.omc_parallel.4
// CHECK-NOT:     affine.delinearize_index
// CHECK:         affine.parallel
func.func @not_joined(%buf: memref<?x4096xf32>, %n: index, %f: f32) {
  affine.parallel (%i) = (0) to (%n) {
    affine.parallel (%j) = (0) to (4096) {
      affine.store %f, %buf[%i, %j] : memref<?x4096xf32>
    }
  }
  affine.parallel (%i) = (0) to (%n) {
    affine.parallel (%j) = (%i) to (4096) {
      affine.for %k = 0 to 64 {
        %v = affine.load %buf[%i, %k] : memref<?x4096xf32>
        affine.store %v, %buf[%i, %j] : memref<?x4096xf32>
      }
    }
  }
  return
}
