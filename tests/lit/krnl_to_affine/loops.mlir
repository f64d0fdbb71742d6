// RUN: omc-opt %s --convert-krnl-to-affine | FileCheck %s

// Globals become private constant memref.globals at the top of the module.
// CHECK: memref.global "private" constant @weights : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>

// A plain nest becomes affine.for loops; loads and stores on the induction
// variables become affine ones; a dynamic bound is a symbol.
// CHECK-LABEL: func.func @plain
// CHECK: %[[N:.*]] = memref.dim
// CHECK: affine.for %[[I:.*]] = 0 to %[[N]] {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT: %[[V:.*]] = affine.load %{{.*}}[%[[I]], %[[J]]]
// CHECK-NEXT: affine.store %[[V]], %{{.*}}[%[[I]], %[[J]]]
// CHECK-NOT: krnl.
func.func @plain(%m: memref<?x8xf32>, %out: memref<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %m, %c0 : memref<?x8xf32>
  %l:2 = krnl.define_loops 2
  krnl.iterate(%l#0, %l#1) from(%c0, %c0) to(%n, %c8) {
  ^bb0(%i: index, %j: index):
    %v = krnl.load %m[%i, %j] : memref<?x8xf32>
    krnl.store %v, %out[%i, %j] : memref<?x8xf32>
  }
  return
}

// block tiles a loop; permute then moves the tile loop of i outermost, j in the
// middle and the point loop of i innermost, clamped to the dynamic bound.
// CHECK-LABEL: func.func @blocked_and_permuted
// CHECK: affine.for %[[IO:.*]] = 0 to %{{.*}} step 4 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 8 {
// CHECK-NEXT: affine.for %[[II:.*]] = #{{.*}}(%[[IO]]) to min #{{.*}}(%[[IO]])[%{{.*}}] {
// CHECK-NEXT: affine.load %{{.*}}[%[[II]], %[[J]]]
func.func @blocked_and_permuted(%m: memref<?x8xf32>, %out: memref<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %m, %c0 : memref<?x8xf32>
  %l:2 = krnl.define_loops 2
  %io, %ii = krnl.block %l#0 4
  krnl.permute(%io, %ii, %l#1) [0, 2, 1]
  krnl.iterate(%l#0, %l#1) from(%c0, %c0) to(%n, %c8) {
  ^bb0(%i: index, %j: index):
    %v = krnl.load %m[%i, %j] : memref<?x8xf32>
    krnl.store %v, %out[%i, %j] : memref<?x8xf32>
  }
  return
}

// An index loaded from memory is not affine: memref.load/store keep it.
// CHECK-LABEL: func.func @gather
// CHECK: affine.for
// CHECK: %[[IDX:.*]] = affine.load
// CHECK: memref.load %{{.*}}[%{{.*}}]
func.func @gather(%data: memref<10xf32>, %idx: memref<4xindex>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %l = krnl.define_loops 1
  krnl.iterate(%l) from(%c0) to(%c4) {
  ^bb0(%i: index):
    %k = krnl.load %idx[%i] : memref<4xindex>
    %v = krnl.load %data[%k] : memref<10xf32>
    krnl.store %v, %out[%i] : memref<4xf32>
  }
  return
}

// A bound computed inside another loop is not an affine symbol: scf.for.
// CHECK-LABEL: func.func @data_dependent_bound
// CHECK: affine.for
// CHECK: scf.for
func.func @data_dependent_bound(%counts: memref<4xindex>, %out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %f = arith.constant 1.0 : f32
  %l = krnl.define_loops 1
  krnl.iterate(%l) from(%c0) to(%c4) {
  ^bb0(%i: index):
    %n = krnl.load %counts[%i] : memref<4xindex>
    %inner = krnl.define_loops 1
    krnl.iterate(%inner) from(%c0) to(%n) {
    ^bb0(%j: index):
      krnl.store %f, %out[%i, %j] : memref<4x16xf32>
    }
  }
  return
}

// ... read through memref.get_global.
// CHECK-LABEL: func.func @global
// CHECK: memref.get_global @weights : memref<2xf32>
func.func @global() -> memref<2xf32> {
  %0 = krnl.global "weights" {value = dense<[1.0, 2.0]> : tensor<2xf32>} : memref<2xf32>
  return %0 : memref<2xf32>
}

// A vector.store at indices that become affine (a conv's panel rows) turns into
// affine.vector_store; one at a data-dependent index stays.
// CHECK-LABEL: func.func @vector_stores
// CHECK: affine.for %[[I:.*]] = 0 to 4
// CHECK-NEXT: affine.vector_store %{{.*}}, %{{.*}}[%[[I]], %{{.*}}] : memref<4x8xf32>, vector<8xf32>
// CHECK-NEXT: %[[K:.*]] = memref.load
// CHECK-NEXT: vector.store %{{.*}}, %{{.*}}[%[[K]], %{{.*}}] : memref<4x8xf32>, vector<8xf32>
func.func @vector_stores(%out: memref<4x8xf32>, %where: memref<4xindex>, %v: vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %l = krnl.define_loops 1
  krnl.iterate(%l) from(%c0) to(%c4) {
  ^bb0(%i: index):
    vector.store %v, %out[%i, %c0] : memref<4x8xf32>, vector<8xf32>
    %k = memref.load %where[%i] : memref<4xindex>
    vector.store %v, %out[%k, %c0] : memref<4x8xf32>, vector<8xf32>
  }
  return
}
