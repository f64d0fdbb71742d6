// RUN: omc-opt %s --split-input-file --omc-lower-matmul --canonicalize | FileCheck %s

// A 2 x (2 x 4) register tile, blocks K 16, M 4, N 16. Unknown sizes count as work enough
// for threads: the nest goes into a share function over units of columns, called once
// over all of them: panels of 8 columns, or of 32 when M is at most 2 and B is read in
// place (the streaming tile: 1 x (8 x 4)). In it, B's block is packed into the share's own buffer of
// (16 / 8) panels x 16 x 8 floats, two masked 4-lane loads per packed row; the
// microkernel keeps 4 accumulators across the K block, one broadcast of A per row and one
// FMA per accumulator; the row past the last whole tile, if any, takes a one-row kernel
// (see @leftover_rows).
// CHECK-LABEL: func.func @tile
// CHECK-SAME: (%[[A0:.*]]: memref<?x?xf32>, %[[B0:.*]]: memref<?x?xf32>, %[[C0:.*]]: memref<?x?xf32>)
// CHECK: %[[M:.*]] = memref.dim %[[C0]], %c0
// CHECK: %[[IN_PLACE:.*]] = arith.cmpi sle, %[[M]], %c2
// CHECK: %[[UNIT:.*]] = arith.select %[[IN_PLACE]], %c32, %c8
// CHECK: %[[N:.*]] = memref.dim %[[C0]], %c1
// CHECK: %[[PANELS:.*]] = arith.ceildivsi %[[N]], %[[UNIT]]
// CHECK: call @tile.omc_parallel.matmul0(%c0, %[[PANELS]], %[[A0]], %[[B0]], %[[C0]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @tile.omc_parallel.matmul0
// CHECK-SAME: (%[[FIRST:.*]]: index, %[[LAST:.*]]: index, %[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<?x?xf32>)
// The share's columns: [first * unit, min(last * unit, N)).
// CHECK: %[[SHARE_UNIT:.*]] = arith.select %{{.*}}, %c32, %c8
// CHECK: %[[COL_LO:.*]] = arith.muli %[[FIRST]], %[[SHARE_UNIT]]
// CHECK: %[[COL_END:.*]] = arith.muli %[[LAST]], %[[SHARE_UNIT]]
// CHECK: %[[COL_HI:.*]] = arith.minsi %[[COL_END]]
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK: %[[PA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
// CHECK: scf.for %[[JC:.*]] = %[[COL_LO]] to %[[COL_HI]] step %c16
// CHECK: scf.for %[[PC:.*]] = %c0 to %{{.*}} step %c16
// Packing.
// CHECK: vector.create_mask %{{.*}} : vector<4xi1>
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.store %{{.*}}, %[[P]]
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.store %{{.*}}, %[[P]]
// The M block: its whole 2-row groups of A packed k-major (the 4 x 16 block: 64 floats),
// then the panels.
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c4
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.*}}, %[[PA]]
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.*}}, %[[PA]]
// CHECK: scf.for %[[JR:.*]] = %c0 to %{{.*}} step %c8
// A panel wholly inside N (its last column at most N) reads and writes C's vectors
// unmasked; the others, below, masked past N.
// CHECK: %[[PANEL_END:.*]] = arith.addi %{{.*}}, %c8
// CHECK: %[[WHOLE:.*]] = arith.cmpi sle, %[[PANEL_END]], %{{.*}}
// CHECK: scf.if %[[WHOLE]] {
// Whole register tiles: C loaded once, 4 accumulators across K, stored once; the tile
// below is prefetched meanwhile (2 rows x 2 vectors).
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c2
// CHECK-COUNT-4: vector.load %[[C]]
// CHECK-COUNT-4: memref.prefetch %[[C]]{{.*}}, write, locality<3>, data
// The K loop in two parts. First the steps whose requests ahead stay inside the buffers:
// the panel row 12 rows ahead (12 x 8 floats, at most the packed buffer's last float,
// 255) and A's row group 64 columns ahead (2 floats a column, at most the packed block's
// last float, 63). Each step asks for the panel row (one request per 64-byte line: this
// 32-byte row is one) and A's column into L1 unclamped, then loads this row.
// CHECK: %[[B_ROOM:.*]] = arith.subi %c163, %[[PANEL:.*]] : index
// CHECK: %[[B_STEPS:.*]] = arith.divsi %{{.*}}, %c8
// CHECK: %[[SOME:.*]] = arith.minsi %[[KB:.*]], %[[B_STEPS]]
// CHECK: %[[A_ROOM:.*]] = arith.subi %c-63, %{{.*}} : index
// CHECK: %[[A_STEPS:.*]] = arith.divsi %{{.*}}, %c2
// CHECK: %[[PREFETCHED:.*]] = arith.minsi %[[SOME]], %[[A_STEPS]]
// CHECK: %[[HEAD:.*]]:4 = scf.for %[[KK:.*]] = %c0 to %[[PREFETCHED]] step %c1 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: %[[ROW:.*]] = arith.addi %[[PANEL]], %{{.*}}
// CHECK: %[[AHEAD:.*]] = arith.addi %[[ROW]], %c96
// CHECK: memref.prefetch %[[P]][%[[AHEAD]]], read, locality<3>, data
// CHECK-NOT: memref.prefetch %[[P]]
// CHECK: %[[COLUMN:.*]] = arith.addi %[[KK]], %c64
// CHECK: memref.prefetch %[[PA]][%{{.*}}], read, locality<3>, data
// CHECK: vector.load %[[P]][%[[ROW]]]
// CHECK: vector.load %[[P]]
// CHECK: memref.load %[[PA]]
// CHECK-NEXT: vector.broadcast %{{.*}} : f32 to vector<4xf32>
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK: memref.load %[[PA]]
// CHECK-NEXT: vector.broadcast
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK-NEXT: scf.yield
// Then the rest of the K block, the same without the requests.
// CHECK: %[[TILE:.*]]:4 = scf.for %{{.*}} = %[[PREFETCHED]] to %[[KB]] step %c1 iter_args(%{{.*}} = %[[HEAD]]#0, %{{.*}} = %[[HEAD]]#1, %{{.*}} = %[[HEAD]]#2, %{{.*}} = %[[HEAD]]#3)
// CHECK-NOT: memref.prefetch
// CHECK: vector.load %[[P]]
// CHECK: vector.load %[[P]]
// CHECK-COUNT-4: vector.fma
// CHECK-NEXT: scf.yield
// CHECK: vector.store %[[TILE]]#0, %[[C]]
// CHECK-COUNT-3: vector.store %{{.*}}, %[[C]]
// The left-over row, reading A in place.
// CHECK: scf.if
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>)
// CHECK: memref.load %[[A]]
// CHECK-COUNT-2: vector.fma
// The panel past N: the same kernels, masked.
// CHECK: } else {
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c2
// CHECK-COUNT-4: vector.maskedload %[[C]]
// CHECK-NOT: vector.store
// CHECK-COUNT-4: vector.maskedstore %[[C]]
// A dynamic M of at most register_rows takes the nest without packing (see @one_row).
// CHECK: } else {
// CHECK-NOT: vector.store %{{.*}}, %[[P]]
// CHECK-NOT: memref.alloc
// CHECK: vector.load %[[B]]
// CHECK: memref.dealloc %[[P]]
// CHECK-NEXT: memref.dealloc %[[PA]]
// CHECK-NEXT: return
func.func @tile(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// -----

// With 3-row tiles, an M block ends in 0, 1 or 2 rows past its whole tiles (M mod 6 in
// blocks of 6), known at run time only: a 2-row kernel (4 accumulators) when the count
// has bit 1, then a 1-row kernel (2 accumulators) on the row after those when it has bit
// 0, each row broadcast from A in place.
// CHECK-LABEL: func.func private @leftover_rows.omc_parallel.matmul0
// CHECK-SAME: (%{{.*}}: index, %{{.*}}: index, %[[A:.*]]: memref<?x?xf32>, %{{.*}}: memref<?x?xf32>, %[[C:.*]]: memref<?x?xf32>)
// CHECK: scf.for %[[IC:.*]] = %c0 to %{{.*}} step %c6
// CHECK: %[[MB:.*]] = arith.minsi %{{.*}}, %c6
// CHECK: %[[PART:.*]] = arith.remui %[[MB]], %c3
// CHECK: %[[FULL:.*]] = arith.subi %[[MB]], %[[PART]]
// CHECK: scf.for %{{.*}} = %c0 to %[[FULL]] step %c3
// CHECK-COUNT-6: vector.fma
// CHECK: %[[LEFT:.*]] = arith.subi %[[MB]], %[[FULL]]
// CHECK: %[[ROW0:.*]] = arith.addi %[[IC]], %[[FULL]]
// CHECK: %[[TWO:.*]] = arith.andi %[[LEFT]], %c2
// CHECK: %[[HAS_TWO:.*]] = arith.cmpi ne, %[[TWO]], %c0
// CHECK: scf.if %[[HAS_TWO]] {
// CHECK: %[[ROW1:.*]] = arith.addi %[[ROW0]], %c1
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: memref.load %[[A]][%[[ROW0]], %{{.*}}]
// CHECK-COUNT-2: vector.fma
// CHECK: memref.load %[[A]][%[[ROW1]], %{{.*}}]
// CHECK-COUNT-2: vector.fma
// CHECK-NEXT: scf.yield
// CHECK: vector.maskedstore %[[C]][%[[ROW1]],
// CHECK: %[[ROW2:.*]] = arith.addi %[[ROW0]], %[[TWO]]
// CHECK: %[[ONE:.*]] = arith.andi %[[LEFT]], %c1
// CHECK: %[[HAS_ONE:.*]] = arith.cmpi ne, %[[ONE]], %c0
// CHECK: scf.if %[[HAS_ONE]] {
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>)
// CHECK: memref.load %[[A]][%[[ROW2]], %{{.*}}]
// CHECK-COUNT-2: vector.fma
// CHECK-NEXT: scf.yield
// CHECK: vector.maskedstore %[[C]][%[[ROW2]],
func.func @leftover_rows(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 3 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 6 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// -----

// With 6-row tiles, 2 or 3 rows past the whole tiles go with the last whole tile to
// kernels of 4 rows (4 + 4, or 4 + 4 + 1): the tiles' loop ends one tile early then
// (M blocks of 12: 8 = 6 + 2 rows, for one, run as two 4-row kernels). The 4-row kernel
// runs count / 4 times, then the 2- and 1-row kernels on the count's bits.
// CHECK-LABEL: func.func private @rows_for_fours.omc_parallel.matmul0
// CHECK: scf.for %[[IC:.*]] = %c0 to %{{.*}} step %c12
// CHECK: %[[MB:.*]] = arith.minsi %{{.*}}, %c12
// CHECK: %[[LEFT:.*]] = arith.remui %[[MB]], %c6
// CHECK: %[[FULL:.*]] = arith.subi %[[MB]], %[[LEFT]]
// CHECK-DAG: %[[TWO_UP:.*]] = arith.cmpi sge, %[[LEFT]], %c2
// CHECK-DAG: %[[THREE_DOWN:.*]] = arith.cmpi sle, %[[LEFT]], %c3
// CHECK-DAG: %[[A_TILE:.*]] = arith.cmpi sge, %[[FULL]], %c6
// CHECK-DAG: %[[EARLY:.*]] = arith.subi %[[FULL]], %c6
// CHECK-DAG: %[[FEW:.*]] = arith.andi %[[TWO_UP]], %[[THREE_DOWN]]
// CHECK: %[[BORROW:.*]] = arith.andi %[[FEW]], %[[A_TILE]]
// CHECK: %[[END:.*]] = arith.select %[[BORROW]], %[[EARLY]], %[[FULL]]
// CHECK: scf.for %{{.*}} = %c0 to %[[END]] step %c6
// CHECK-COUNT-6: vector.fma
// CHECK: %[[COUNT:.*]] = arith.subi %[[MB]], %[[END]]
// CHECK: %[[FOURS:.*]] = arith.divui %[[COUNT]], %c4
// CHECK: scf.for %{{.*}} = %c0 to %[[FOURS]] step %c1
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-4: vector.fma
// CHECK: arith.andi %[[COUNT]], %c2
// CHECK: scf.if
// CHECK: arith.andi %[[COUNT]], %c1
// CHECK: scf.if
func.func @rows_for_fours(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 6 : i64, register_vectors = 1 : i64, block_k = 16 : i64, block_m = 12 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// -----

// M = 1 (at most register_rows): no packing buffer; the streaming tile, one row of 8
// vectors: per k the kernel loads 32 floats of B's row in place and broadcasts A's one
// element; unmasked where the tile lies wholly inside N, masked past N for the last.
// CHECK-LABEL: func.func private @one_row.omc_parallel.matmul0
// CHECK-SAME: (%{{.*}}: index, %{{.*}}: index, %[[A:.*]]: memref<1x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<1x?xf32>)
// CHECK-NOT: memref.alloc
// CHECK: arith.cmpi sle
// CHECK-NEXT: scf.if
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: %[[WHOLE_ROW:.*]] = arith.addi
// CHECK-COUNT-8: vector.load %[[B]][%[[WHOLE_ROW]], %{{.*}}]
// CHECK: memref.load %[[A]]
// CHECK-NEXT: vector.broadcast
// CHECK-COUNT-8: vector.fma
// CHECK-COUNT-8: vector.store %{{.*}}, %[[C]]
// CHECK: } else {
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK: %[[ROW:.*]] = arith.addi
// CHECK: vector.maskedload %[[B]][%[[ROW]], %{{.*}}], %{{.*}}, %{{.*}} : memref<?x?xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
// CHECK-COUNT-7: vector.maskedload %[[B]][%[[ROW]], %{{.*}}]
// CHECK: memref.load %[[A]]
// CHECK-NEXT: vector.broadcast
// CHECK-COUNT-8: vector.fma
// CHECK-NOT: memref.prefetch
// CHECK: vector.maskedstore %[[C]]
func.func @one_row(%a: memref<1x?xf32>, %b: memref<?x?xf32>, %c: memref<1x?xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<1x?xf32>, memref<?x?xf32>) outs(%c : memref<1x?xf32>)
  return
}

// -----

// A batch_matmul runs the same nest per batch, indexing every operand by it; a strided B
// (a transposed view) is packed element by element. 3 x 4 x 5 x 6 multiply-adds are too
// few for threads: the nest stays in place, over all columns.
// CHECK-LABEL: func.func @batched_transposed
// CHECK-NOT: call
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

// -----

// Enough batches to go round: threads share whole matrices, [first, last) of the batch.
// CHECK-LABEL: func.func @many_batches
// CHECK: call @many_batches.omc_parallel.matmul0(%c0, %c8,
// CHECK-LABEL: func.func private @many_batches.omc_parallel.matmul0
// CHECK-SAME: (%[[FIRST:.*]]: index, %[[LAST:.*]]: index,
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %[[LAST]] step %c1
func.func @many_batches(%a: memref<8x64x64xf32>, %b: memref<8x64x64xf32>, %c: memref<8x64x64xf32>) {
  linalg.batch_matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<8x64x64xf32>, memref<8x64x64xf32>) outs(%c : memref<8x64x64xf32>)
  return
}

// -----

// C of 512 rows but one 8-column panel (a 7 x 7 image's pixels after a 1 x 1 conv):
// threads share groups of 2 rows, 256 of them, each packing all of B. The packing buffer
// is as wide as N needs: 1 panel x 16 x 8.
// CHECK-LABEL: func.func @narrow
// CHECK: call @narrow.omc_parallel.matmul0(%c0, %c256,
// CHECK-LABEL: func.func private @narrow.omc_parallel.matmul0
// CHECK-SAME: (%[[FIRST:.*]]: index, %[[LAST:.*]]: index,
// CHECK: %[[ROW_LO:.*]] = arith.muli %[[FIRST]], %c2
// CHECK: %[[ROW_END:.*]] = arith.muli %[[LAST]], %c2
// CHECK: %[[ROW_HI:.*]] = arith.minsi %[[ROW_END]], %c512
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xf32>
// CHECK: scf.for %{{.*}} = %[[ROW_LO]] to %[[ROW_HI]] step %c4
func.func @narrow(%a: memref<512x128xf32>, %b: memref<128x7xf32>, %c: memref<512x7xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4 : i64, register_rows = 2 : i64, register_vectors = 2 : i64, block_k = 16 : i64, block_m = 4 : i64, block_n = 16 : i64}}
      ins(%a, %b : memref<512x128xf32>, memref<128x7xf32>) outs(%c : memref<512x7xf32>)
  return
}

// -----

// A weight B (a krnl.global) is packed at compile time into panels of nr = 4 columns for
// the whole of K: panel 0 holds B's columns 0-3 row by row, panel 1 columns 4-7. The
// original weight is gone; no nest packs B or reads it in place, even for one row, and the
// kernel reads panel (jc + jr) / 4 from (jc + jr) * K + pc * 4 on. Each step asks for
// the next panel's row into L2 (locality 2): from (jc + jr) * K + K * 4 on, clamped to
// 16 - kb * 4 = 8 so that the last panel asks for itself.
// CHECK-LABEL: func.func @weight
// CHECK-NOT: "w"
// CHECK: %[[PANELS:.*]] = krnl.global "w_panels4" {value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01]> : tensor<16xf32>} : memref<16xf32>
// CHECK-NOT: krnl.global
// CHECK-NOT: memref.alloc
// CHECK-NOT: vector.store
// CHECK: %[[START:.*]] = arith.muli %{{.*}}, %c2 : index
// CHECK: %[[AFTER:.*]] = arith.addi %[[START]], %c8 : index
// CHECK: %[[NEXT:.*]] = arith.minsi %[[AFTER]], %c8 : index
// CHECK: scf.for %[[KK:.*]] = %c0
// CHECK: locality<3>
// CHECK-NEXT: %[[ROW:.*]] = arith.muli %[[KK]], %c4 : index
// CHECK-NEXT: %[[AT:.*]] = arith.addi %[[NEXT]], %[[ROW]] : index
// CHECK-NEXT: memref.prefetch %[[PANELS]][%[[AT]]], read, locality<2>, data
// CHECK: vector.load %[[PANELS]]
// CHECK-NOT: vector.maskedload %[[PANELS]]
// CHECK: return
func.func @weight(%a: memref<1x2xf32>, %c: memref<1x8xf32>) {
  %b = krnl.global "w" {value = dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                                       [9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]]>
                         : tensor<2x8xf32>} : memref<2x8xf32>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<1x2xf32>, memref<2x8xf32>) outs(%c : memref<1x8xf32>)
  return
}

// -----

// A Gemm's transposed weight (memref.transpose of an 8 x 2 krnl.global) packs the same:
// the panels hold B = transpose(W); W and its transpose are gone.
// CHECK-LABEL: func.func @transposed_weight
// CHECK-NOT: memref.transpose
// CHECK: krnl.global "wt_panels4" {value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01]> : tensor<16xf32>} : memref<16xf32>
// CHECK-NOT: krnl.global
// CHECK-NOT: memref.transpose
// CHECK: return
func.func @transposed_weight(%a: memref<1x2xf32>, %c: memref<1x8xf32>) {
  %w = krnl.global "wt" {value = dense<[[1.0, 9.0], [2.0, 10.0], [3.0, 11.0], [4.0, 12.0],
                                        [5.0, 13.0], [6.0, 14.0], [7.0, 15.0], [8.0, 16.0]]>
                          : tensor<8x2xf32>} : memref<8x2xf32>
  %b = memref.transpose %w (d0, d1) -> (d1, d0)
      : memref<8x2xf32> to memref<2x8xf32, strided<[1, 2]>>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<1x2xf32>, memref<2x8xf32, strided<[1, 2]>>) outs(%c : memref<1x8xf32>)
  return
}

// -----

// One row of C against a weight reads its whole panels 4 at a time: one kernel of 4
// accumulators loads row kk of panels 0-3 (K * nr = 8 floats apart) for one broadcast of
// A, with no prefetches; the panel past the group (columns 16-19) takes the usual one-row
// kernel, which asks for the next panel as in @weight.
// CHECK-LABEL: func.func @weight_panel_groups
// CHECK: %[[PANELS:.*]] = krnl.global "w_panels4"
// CHECK: scf.for %[[KK:.*]] = %c0 to %c2 step %c1 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-NEXT: %[[ROW:.*]] = arith.muli %[[KK]], %c4 : index
// CHECK-NEXT: vector.load %[[PANELS]][%[[ROW]]]
// CHECK-NEXT: %[[P1:.*]] = arith.addi %[[ROW]], %c8 : index
// CHECK-NEXT: vector.load %[[PANELS]][%[[P1]]]
// CHECK-NEXT: %[[P2:.*]] = arith.addi %[[ROW]], %c16 : index
// CHECK-NEXT: vector.load %[[PANELS]][%[[P2]]]
// CHECK-NEXT: %[[P3:.*]] = arith.addi %[[ROW]], %c24 : index
// CHECK-NEXT: vector.load %[[PANELS]][%[[P3]]]
// CHECK-NEXT: memref.load
// CHECK-NEXT: vector.broadcast
// CHECK-COUNT-4: vector.fma
// CHECK-NEXT: scf.yield
// CHECK: scf.for
// CHECK: memref.prefetch %[[PANELS]]{{.*}} locality<2>
// CHECK: vector.load %[[PANELS]]
// CHECK: return
func.func @weight_panel_groups(%a: memref<1x2xf32>, %c: memref<1x20xf32>) {
  %b = krnl.global "w" {value = dense<1.0> : tensor<2x20xf32>} : memref<2x20xf32>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<1x2xf32>, memref<2x20xf32>) outs(%c : memref<1x20xf32>)
  return
}

// -----

// A relu epilogue: each tile is stored as max(C, 0) once its K block is the last one
// (pc + kb == K), as it is.
// CHECK-LABEL: func.func @relu_epilogue
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %{{.*}}, %c40
// CHECK: %[[TILE:.*]]:{{.*}} = scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}#0
// CHECK: %[[MAX:.*]] = arith.maximumf %[[TILE]]#0, %{{.*}} : vector<4xf32>
// CHECK-NEXT: %[[OUT:.*]] = arith.select %[[LAST]], %[[MAX]], %[[TILE]]#0
// CHECK-NEXT: vector.store %[[OUT]]
func.func @relu_epilogue(%a: memref<3x40xf32>, %b: memref<40x8xf32>, %c: memref<3x8xf32>) {
  linalg.matmul {omc.epilogue = "relu",
                 omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<3x40xf32>, memref<40x8xf32>) outs(%c : memref<3x8xf32>)
  return
}

// -----

// "relu6": max(C, 0), then min(that, 6), after the last K block.
// CHECK-LABEL: func.func @relu6_epilogue
// CHECK: %[[SIX:.*]] = arith.constant dense<6.000000e+00> : vector<4xf32>
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %{{.*}}, %c40
// CHECK: %[[TILE:.*]]:{{.*}} = scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}#0
// CHECK: %[[MAX:.*]] = arith.maximumf %[[TILE]]#0, %{{.*}} : vector<4xf32>
// CHECK-NEXT: %[[MIN:.*]] = arith.minimumf %[[MAX]], %[[SIX]] : vector<4xf32>
// CHECK-NEXT: %[[OUT:.*]] = arith.select %[[LAST]], %[[MIN]], %[[TILE]]#0
// CHECK-NEXT: vector.store %[[OUT]]
func.func @relu6_epilogue(%a: memref<3x40xf32>, %b: memref<40x8xf32>, %c: memref<3x8xf32>) {
  linalg.matmul {omc.epilogue = "relu6",
                 omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<3x40xf32>, memref<40x8xf32>) outs(%c : memref<3x8xf32>)
  return
}

// -----

// An epilogue omc-lower-matmul does not know leaves the op to krnl-to-affine, which
// rejects it.
// CHECK-LABEL: func.func @unknown_epilogue
// CHECK: linalg.matmul {omc.epilogue = "gelu"
func.func @unknown_epilogue(%a: memref<3x40xf32>, %b: memref<40x8xf32>, %c: memref<3x8xf32>) {
  linalg.matmul {omc.epilogue = "gelu",
                 omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<3x40xf32>, memref<40x8xf32>) outs(%c : memref<3x8xf32>)
  return
}

// -----

// A zero fill of C right before the product (MatMul's) is dropped: with K known (and not
// 0), the first K block writes all of C, its tiles starting at 0 instead of loading C.
// CHECK-LABEL: func.func @zero_filled
// CHECK-SAME: %[[C:[a-z0-9]+]]: memref<4x7xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT: vector.maskedload %[[C]]
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]) -> (vector<4xf32>, vector<4xf32>)
// CHECK-NOT: vector.maskedload %[[C]]
// CHECK: vector.maskedstore %[[C]]
func.func @zero_filled(%a: memref<4x8xf32>, %b: memref<8x7xf32>, %c: memref<4x7xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x7xf32>)
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x8xf32>, memref<8x7xf32>) outs(%c : memref<4x7xf32>)
  return
}

// -----

// A bias broadcast down the rows of C right before the product (a Gemm's) goes the same
// way: the first tiles start from the bias's vectors at the tile's columns, masked past
// N = 7 like C's, the same for every row.
// CHECK-LABEL: func.func @column_bias
// CHECK-SAME: (%{{.*}}: memref<4x8xf32>, %{{.*}}: memref<8x7xf32>, %[[C:[a-z0-9]+]]: memref<4x7xf32>, %[[BIAS:[a-z0-9]+]]: memref<7xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK-NOT: vector.maskedload %[[C]]
// CHECK: %[[V:.*]] = vector.maskedload %[[BIAS]][%{{.*}}], %{{.*}}, %{{.*}} : memref<7xf32>
// CHECK-NOT: vector.maskedload %[[C]]
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[V]], %{{.*}} = %[[V]]) -> (vector<4xf32>, vector<4xf32>)
func.func @column_bias(%a: memref<4x8xf32>, %b: memref<8x7xf32>, %c: memref<4x7xf32>,
                       %bias: memref<7xf32>) {
  linalg.broadcast ins(%bias : memref<7xf32>) outs(%c : memref<4x7xf32>) dimensions = [0]
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x8xf32>, memref<8x7xf32>) outs(%c : memref<4x7xf32>)
  return
}

// -----

// Buffers freed between the setter and the product do not hide the setter; a bias freed
// there keeps its broadcast, which the kernel would otherwise read after the free.
// CHECK-LABEL: func.func @freed_between
// CHECK-SAME: %[[C:[a-z0-9]+]]: memref<4x7xf32>, %[[BIAS:[a-z0-9]+]]: memref<7xf32>, %[[OTHER:[a-z0-9]+]]: memref<7xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: memref.dealloc %[[OTHER]]
// CHECK: vector.maskedload %[[BIAS]]
// CHECK-LABEL: func.func @bias_freed_between
// CHECK: linalg.broadcast
// CHECK-NEXT: memref.dealloc
// CHECK: vector.maskedload
func.func @freed_between(%a: memref<4x8xf32>, %b: memref<8x7xf32>, %c: memref<4x7xf32>,
                         %bias: memref<7xf32>, %other: memref<7xf32>) {
  linalg.broadcast ins(%bias : memref<7xf32>) outs(%c : memref<4x7xf32>) dimensions = [0]
  memref.dealloc %other : memref<7xf32>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x8xf32>, memref<8x7xf32>) outs(%c : memref<4x7xf32>)
  return
}
func.func @bias_freed_between(%a: memref<4x8xf32>, %b: memref<8x7xf32>, %c: memref<4x7xf32>,
                              %bias: memref<7xf32>) {
  linalg.broadcast ins(%bias : memref<7xf32>) outs(%c : memref<4x7xf32>) dimensions = [0]
  memref.dealloc %bias : memref<7xf32>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x8xf32>, memref<8x7xf32>) outs(%c : memref<4x7xf32>)
  return
}

// -----

// With K unknown it might be 0, and then only the fill would write C: the fill stays,
// and the kernel loads C.
// CHECK-LABEL: func.func @zero_filled_unknown_k
// CHECK: linalg.fill
// CHECK: call @zero_filled_unknown_k.omc_parallel.matmul0
// CHECK-LABEL: func.func private @zero_filled_unknown_k.omc_parallel.matmul0
// CHECK-SAME: %[[C:[a-z0-9]+]]: memref<4x7xf32>)
// CHECK: vector.maskedload %[[C]]
func.func @zero_filled_unknown_k(%a: memref<4x?xf32>, %b: memref<?x7xf32>, %c: memref<4x7xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x7xf32>)
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x?xf32>, memref<?x7xf32>) outs(%c : memref<4x7xf32>)
  return
}

// -----

// krnl.matmul_panels: B comes as panels [P, K, 4] from its producer. The kernel reads them
// as one flat stream, panel (jc + jr) / 4 from (jc + jr) * K + pc * 4 on, as for a weight:
// no buffer is allocated, nothing is packed. Its producer just wrote the panels: nothing
// asks for the next one. It overwrites C: the first of its two K blocks
// (K = 20, block_k = 16) starts its tiles from the row's bias, the second from C.
// CHECK-LABEL: func.func @panels
// CHECK-SAME: (%[[A:.*]]: memref<4x20xf32>, %[[P:.*]]: memref<2x20x4xf32>, %[[C:.*]]: memref<4x7xf32>, %[[BIAS:.*]]: memref<4xf32>)
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [160], strides: [1]
// CHECK-NOT: memref.alloc
// CHECK-NOT: vector.store
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[PC:.*]], %c0
// CHECK-NEXT: scf.if %[[FIRST]] -> (vector<4xf32>, vector<4xf32>)
// CHECK-NEXT: %[[B0:.*]] = memref.load %[[BIAS]][%{{.*}}]
// CHECK-NEXT: %[[V0:.*]] = vector.broadcast %[[B0]] : f32 to vector<4xf32>
// CHECK: scf.yield %[[V0]], %{{.*}}
// CHECK-NEXT: } else {
// CHECK-NEXT: vector.load %[[C]]
// CHECK-NOT: locality<2>
// CHECK: vector.load %[[FLAT]]
// The panel at column 4 reaches past N = 7: its tiles read C masked.
// CHECK: scf.if %[[FIRST]] -> (vector<4xf32>, vector<4xf32>)
// CHECK: } else {
// CHECK-NEXT: vector.maskedload %[[C]]
// CHECK: return
func.func @panels(%a: memref<4x20xf32>, %p: memref<2x20x4xf32>, %c: memref<4x7xf32>,
                  %bias: memref<4xf32>) {
  krnl.matmul_panels %a, %p, %c bias(%bias : memref<4xf32>)
    {omc.matmul_config = {vector_width = 4, register_rows = 2, register_vectors = 1,
                          block_k = 16, block_m = 4, block_n = 16}}
    : memref<4x20xf32>, memref<2x20x4xf32>, memref<4x7xf32>
  return
}

// -----

// Without a bias, and with one K block only, the tiles start at 0, and C is never read.
// CHECK-LABEL: func.func @panels_no_bias
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT: vector.maskedload
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]) -> (vector<4xf32>, vector<4xf32>)
func.func @panels_no_bias(%a: memref<4x2xf32>, %p: memref<2x2x4xf32>, %c: memref<4x7xf32>) {
  krnl.matmul_panels %a, %p, %c
    {omc.matmul_config = {vector_width = 4, register_rows = 2, register_vectors = 1,
                          block_k = 16, block_m = 4, block_n = 16}}
    : memref<4x2xf32>, memref<2x2x4xf32>, memref<4x7xf32>
  return
}

// -----

// An addend (a residual connection): the first K block's tiles start from the row's bias
// plus the addend's tile, loaded like C's (masked past N = 7 in the last panel); C itself
// is not read then.
// The next tile's addend is asked for beside its C, row by row.
// CHECK-LABEL: func.func @panels_addend
// CHECK-SAME: (%[[A:.*]]: memref<4x2xf32>, %[[P:.*]]: memref<2x2x4xf32>, %[[C:.*]]: memref<4x7xf32>, %[[BIAS:.*]]: memref<4xf32>, %[[Z:.*]]: memref<4x7xf32>)
// CHECK-NOT: vector.maskedload %[[C]]
// CHECK: %[[B0:.*]] = memref.load %[[BIAS]][%{{.*}}]
// CHECK-NEXT: %[[V0:.*]] = vector.broadcast %[[B0]] : f32 to vector<4xf32>
// CHECK-NEXT: %[[T0:.*]] = vector.load %[[Z]][%{{.*}}, %{{.*}}] : memref<4x7xf32>
// CHECK-NEXT: %[[S0:.*]] = arith.addf %[[V0]], %[[T0]] : vector<4xf32>
// CHECK: memref.prefetch %[[C]][%[[R0:.*]], %[[C0:.*]]], write
// CHECK-NEXT: memref.prefetch %[[Z]][%[[R0]], %[[C0]]], read
// CHECK: memref.prefetch %[[C]][%[[R1:.*]], %[[C1:.*]]], write
// CHECK-NEXT: memref.prefetch %[[Z]][%[[R1]], %[[C1]]], read
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %[[S0]], %{{.*}} = %{{.*}})
func.func @panels_addend(%a: memref<4x2xf32>, %p: memref<2x2x4xf32>, %c: memref<4x7xf32>,
                         %bias: memref<4xf32>, %z: memref<4x7xf32>) {
  krnl.matmul_panels %a, %p, %c bias(%bias : memref<4xf32>) addend(%z : memref<4x7xf32>)
    {omc.matmul_config = {vector_width = 4, register_rows = 2, register_vectors = 1,
                          block_k = 16, block_m = 4, block_n = 16}}
    : memref<4x2xf32>, memref<2x2x4xf32>, memref<4x7xf32>
  return
}

// -----

// Filters as A (a krnl.global seen as rows through a row-major memref.reinterpret_cast)
// are packed at compile time into groups of register_rows = 2 rows, k-major: group g
// holds A[2g, k], A[2g + 1, k] for each k, and the ninth row's group is padded with 0.
// The filters and their view are gone; no nest packs A, and every row is read from its
// group, the last (a one-row kernel) too.
// CHECK-LABEL: func.func @filter_groups
// CHECK-NOT: "f"
// CHECK: %[[GROUPS:.*]] = krnl.global "f_rows2" {value = dense<[1.000000e+00, 3.000000e+00, 2.000000e+00, 4.000000e+00, 5.000000e+00, 7.000000e+00, 6.000000e+00, 8.000000e+00, 9.000000e+00, 1.100000e+01, 1.000000e+01, 1.200000e+01, 1.300000e+01, 1.500000e+01, 1.400000e+01, 1.600000e+01, 1.700000e+01, 0.000000e+00, 1.800000e+01, 0.000000e+00]> : tensor<20xf32>} : memref<20xf32>
// CHECK-NOT: krnl.global
// CHECK-NOT: memref.alloc
// CHECK: scf.for
// CHECK: memref.load %[[GROUPS]]
// CHECK: memref.load %[[GROUPS]]
// CHECK: scf.for
// CHECK: memref.load %[[GROUPS]]
// CHECK-NOT: memref.load %{{.*}} : memref<9x2
// CHECK: return
func.func @filter_groups(%p: memref<1x2x4xf32>, %c: memref<9x3xf32>) {
  %f = krnl.global "f" {value = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]],
                                       [[[7.0]], [[8.0]]], [[[9.0]], [[10.0]]], [[[11.0]], [[12.0]]],
                                       [[[13.0]], [[14.0]]], [[[15.0]], [[16.0]]], [[[17.0]], [[18.0]]]]>
                         : tensor<9x2x1x1xf32>} : memref<9x2x1x1xf32>
  %a = memref.reinterpret_cast %f to offset: [0], sizes: [9, 2], strides: [2, 1]
      : memref<9x2x1x1xf32> to memref<9x2xf32, strided<[2, 1]>>
  krnl.matmul_panels %a, %p, %c
    {omc.matmul_config = {vector_width = 4, register_rows = 2, register_vectors = 1,
                          block_k = 16, block_m = 4, block_n = 16}}
    : memref<9x2xf32, strided<[2, 1]>>, memref<1x2x4xf32>, memref<9x3xf32>
  return
}

// -----

// A static N = 10 leaves a last tile of 2 columns in tiles of 8 (two vectors of 4): the
// tiles wholly inside N run a kernel of two vectors, unmasked, the one at column 8 a
// kernel of one vector, masked.
// CHECK-LABEL: func.func @last_tile
// CHECK: %[[WHOLE:.*]] = arith.cmpi sle, %{{.*}}, %c10
// CHECK-NEXT: scf.if %[[WHOLE]] {
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-NOT: vector.maskedstore
// CHECK: } else {
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<4xf32>, vector<4xf32>)
// CHECK: vector.maskedstore
func.func @last_tile(%a: memref<4x3xf32>, %b: memref<3x10xf32>, %c: memref<4x10xf32>) {
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 2, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<4x3xf32>, memref<3x10xf32>) outs(%c : memref<4x10xf32>)
  return
}

// -----

// A block of a weight's rows at a run-time offset of whole register-row groups (one
// position's transformed filters in Winograd's constant), and panels seen through a view
// at an offset (that position's in its buffer of all of them): the weight packs into row
// groups once, in the order of its rows, so the block is the same offset into the packed
// constant; the flattened panels keep their view's offset.
// CHECK-LABEL: func.func @panels_weight_block
// CHECK-SAME: (%[[V:.*]]: memref<2x1x2x4xf32>, %[[C:.*]]: memref<4x4xf32>, %[[XI:.*]]: index)
// CHECK: %[[PACKED:.*]] = krnl.global "w_rows2" {value = dense<[1.000000e+00, 3.000000e+00, 2.000000e+00, 4.000000e+00, 5.000000e+00, 7.000000e+00, 6.000000e+00, 8.000000e+00, 9.000000e+00, 1.100000e+01, 1.000000e+01, 1.200000e+01, 1.300000e+01, 1.500000e+01, 1.400000e+01, 1.600000e+01]> : tensor<16xf32>}
// CHECK-NOT: krnl.global
// CHECK: %[[OFFSET:.*]] = arith.muli %[[XI]], %c8
// CHECK: %[[BASE:.*]], %[[POFF:.*]], %{{.*}}:3, %{{.*}}:3 = memref.extract_strided_metadata %{{.*}}
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [%[[POFF]]], sizes: [8], strides: [1]
// CHECK: memref.reinterpret_cast %[[PACKED]] to offset: [%[[OFFSET]]], sizes: [8], strides: [1]
func.func @panels_weight_block(%v: memref<2x1x2x4xf32>, %c: memref<4x4xf32>, %xi: index) {
  %w = krnl.global "w" {value = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0], [9.0, 10.0], [11.0, 12.0], [13.0, 14.0], [15.0, 16.0]]> : tensor<8x2xf32>} : memref<8x2xf32>
  %c8 = arith.constant 8 : index
  %offset = arith.muli %xi, %c8 : index
  %a = memref.reinterpret_cast %w to offset: [%offset], sizes: [4, 2], strides: [2, 1]
    : memref<8x2xf32> to memref<4x2xf32, strided<[2, 1], offset: ?>>
  %p = memref.reinterpret_cast %v to offset: [%offset], sizes: [1, 2, 4], strides: [8, 4, 1]
    : memref<2x1x2x4xf32> to memref<1x2x4xf32, strided<[8, 4, 1], offset: ?>>
  krnl.matmul_panels %a, %p, %c
    {omc.matmul_config = {vector_width = 4, register_rows = 2, register_vectors = 1,
                          block_k = 16, block_m = 4, block_n = 16}}
    : memref<4x2xf32, strided<[2, 1], offset: ?>>, memref<1x2x4xf32, strided<[8, 4, 1], offset: ?>>, memref<4x4xf32>
  return
}

// -----

// A weight's product whose threads split C's columns (N = 12: 3 panels) packs A's whole
// row groups once, all of K (2), into one buffer, by the threads between them (the share
// function ..._pack_a over the groups, M / 2 of them); the product's threads read their
// rows' groups from it, row r's from r * K on, and pack nothing themselves.
// CHECK-LABEL: func.func @shared_a
// CHECK-SAME: (%[[A:.*]]: memref<?x2xf32>, %[[C:.*]]: memref<?x12xf32>)
// CHECK: %[[M:.*]] = memref.dim %[[A]], %c0
// CHECK: %[[GROUPS:.*]] = arith.divui %[[M]], %c2
// CHECK: %[[SIZE:.*]] = arith.muli %[[GROUPS]], %c4
// CHECK: %[[PACKED:.*]] = memref.alloc(%[[SIZE]]) {alignment = 64 : i64} : memref<?xf32>
// CHECK: call @shared_a.omc_parallel.matmul0_pack_a(%c0, %[[GROUPS]], %[[A]], %[[PACKED]])
// CHECK: call @shared_a.omc_parallel.matmul0(%c0, %c3, %[[A]], %{{.*}}, %[[C]], %[[PACKED]])
// CHECK: memref.dealloc %[[PACKED]]
// CHECK-LABEL: func.func private @shared_a.omc_parallel.matmul0(
// CHECK-SAME: %[[GROUPED:[^:]*]]: memref<?xf32>)
// CHECK-NOT: memref.alloc
// CHECK: scf.for %[[IR:.*]] = %c0 to %{{.*}} step %c2 {
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %{{.*}}, %[[IR]] : index
// CHECK-NEXT: %[[START:.*]] = arith.muli %[[ROW]], %c2 : index
// CHECK: vector.load %{{.*}} : memref<24xf32>
// CHECK-NEXT: %[[STEP:.*]] = arith.muli %{{.*}}, %c2 : index
// CHECK-NEXT: %[[AT:.*]] = arith.addi %[[START]], %[[STEP]] : index
// CHECK-NEXT: memref.load %[[GROUPED]][%[[AT]]] : memref<?xf32>
// CHECK-LABEL: func.func private @shared_a.omc_parallel.matmul0_pack_a(
// CHECK-SAME: %[[FIRST:[^:]*]]: index, %[[LAST:[^:]*]]: index, %[[SOURCE:[^:]*]]: memref<?x2xf32>, %[[INTO:[^:]*]]: memref<?xf32>)
// CHECK: memref.load %[[SOURCE]]
// CHECK-NEXT: memref.store %{{.*}}, %[[INTO]]
func.func @shared_a(%a: memref<?x2xf32>, %c: memref<?x12xf32>) {
  %b = krnl.global "w" {value = dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0],
                                       [13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0]]>
                         : tensor<2x12xf32>} : memref<2x12xf32>
  linalg.matmul {omc.matmul_config = {vector_width = 4, register_rows = 2,
                 register_vectors = 1, block_k = 16, block_m = 4, block_n = 16}}
    ins(%a, %b : memref<?x2xf32>, memref<2x12xf32>) outs(%c : memref<?x12xf32>)
  return
}
