// RUN: omc-opt %s --split-input-file --omc-lower-matmul --canonicalize | FileCheck %s

// A 2 x (2 x 4) register tile, blocks K 16, M 4, N 16: B's block is packed into one
// buffer of (16 / 8) panels x 16 x 8 floats, two masked 4-lane loads per packed row; the
// microkernel keeps 4 accumulators across the K block, one broadcast of A per row and one
// FMA per accumulator; the rows past the last whole tile take a one-row kernel.
// CHECK-LABEL: func.func @tile
// CHECK-SAME: (%[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<?x?xf32>)
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK: scf.for %[[JC:.*]] = %c0 to %{{.*}} step %c16
// CHECK: scf.for %[[PC:.*]] = %c0 to %{{.*}} step %c16
// Packing.
// CHECK: vector.create_mask %{{.*}} : vector<4xi1>
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.store %{{.*}}, %[[P]]
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.store %{{.*}}, %[[P]]
// Panels are packed independently: the loop over them may run on threads.
// CHECK: } {omc.parallel}
// The M block, then the panels.
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c4
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c8
// Whole register tiles: C loaded once, 4 accumulators across K, stored once.
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c2
// CHECK-COUNT-4: vector.maskedload %[[C]]
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: vector.load %[[P]]
// CHECK: vector.load %[[P]]
// CHECK: memref.load %[[A]]
// CHECK-NEXT: vector.broadcast %{{.*}} : f32 to vector<4xf32>
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK-NEXT: memref.load %[[A]]
// CHECK-NEXT: vector.broadcast
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK-NEXT: scf.yield
// CHECK-COUNT-4: vector.maskedstore %[[C]]
// Left-over rows, one at a time.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c1
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-2: vector.fma
// Each panel writes its own columns of C.
// CHECK: } {omc.parallel}
// A dynamic M of at most register_rows takes the nest without packing (see @one_row).
// CHECK: } else {
// CHECK-NOT: vector.store
// CHECK: vector.maskedload %[[B]]
// CHECK: memref.dealloc %[[P]]
func.func @tile(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// -----

// M = 1 (at most register_rows): no packing; per k the kernel loads B's row in place,
// masked past N, and broadcasts A's one element.
// CHECK-LABEL: func.func @one_row
// CHECK-SAME: (%[[A:.*]]: memref<1x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<1x?xf32>)
// CHECK-NOT: scf.if
// CHECK-NOT: vector.store
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>)
// CHECK: %[[ROW:.*]] = arith.addi
// CHECK: vector.maskedload %[[B]][%[[ROW]], %{{.*}}], %{{.*}}, %{{.*}} : memref<?x?xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
// CHECK: vector.maskedload %[[B]][%[[ROW]], %{{.*}}]
// CHECK: memref.load %[[A]]
// CHECK-NEXT: vector.broadcast
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK: vector.maskedstore %[[C]]
func.func @one_row(%a: memref<1x?xf32>, %b: memref<?x?xf32>, %c: memref<1x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<1x?xf32>, memref<?x?xf32>) outs(%c : memref<1x?xf32>)
  return
}

// -----

// A batch_matmul runs the same nest per batch, indexing every operand by it; a strided B
// (a transposed view) is packed element by element.
// CHECK-LABEL: func.func @batched_transposed
// CHECK: scf.for %[[BATCH:.*]] = %c0 to %c3 step %c1
// CHECK-NOT: vector.maskedload %arg1
// CHECK: memref.load %arg1[%[[BATCH]],
// CHECK: vector.maskedload %arg2[%[[BATCH]],
// CHECK: vector.fma
func.func @batched_transposed(%a: memref<3x4x5xf32>, %b: memref<3x5x6xf32, strided<[30, 1, 5]>>, %c: memref<3x4x6xf32>) {
  linalg.batch_matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 1 : i64, block_k = 8 : i64, block_m = 2 : i64, block_n = 4 : i64}}
      ins(%a, %b : memref<3x4x5xf32>, memref<3x5x6xf32, strided<[30, 1, 5]>>) outs(%c : memref<3x4x6xf32>)
  return
}

// -----

// Without a configuration the op stays (convert-krnl-to-affine lowers it to loops).
// CHECK-LABEL: func.func @unconfigured
// CHECK: linalg.matmul ins
func.func @unconfigured(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>) outs(%c : memref<4x5xf32>)
  return
}
