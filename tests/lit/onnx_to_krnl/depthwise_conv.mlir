// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A depthwise conv (group = channels = filters), stride 1: one parallel iteration per
// (n, c) plane. The plane is copied into a buffer with a row and a column of zeros before
// it, rows of 16 floats (past the 7 columns plus the pad, and past the 8 lanes plus the
// taps the last vector reads), 8 rows (the last output row's taps reach row 7), and 8
// spare floats. All in vectors of 8: the zero rows; per input row a zero vector at its
// start, the row's 7 floats (a masked load, its last lane 0) from column 1 on, and zeros
// from column 9 (into the next row's first float, written after). Each output row is
// then one vector of 8 lanes: the bias, then a load and a fused multiply-add per tap,
// each tap's load at (y + i) * 16 + j; the 7 outputs stored masked.
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[X:.*]]: memref<1x4x6x7xf32>, %[[W:.*]]: memref<4x1x3x3xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x6x7xf32>
// CHECK: scf.for %[[PLANE:.*]] = %c0 to %c4 step %c1 {
// CHECK: %[[CH:.*]] = arith.remui %[[PLANE]], %c4
// CHECK: %[[PAD:.*]] = memref.alloc() : memref<136xf32>
// CHECK: scf.for %[[AT:.*]] = %c0 to %c16 step %c8 {
// CHECK-NEXT: vector.store %[[ZERO:.*]], %[[PAD]][%[[AT]]] : memref<136xf32>, vector<8xf32>
// CHECK: scf.for %[[R:.*]] = %c0 to %c6 step %c1 {
// CHECK-NEXT: %[[PADDED_ROW:.*]] = arith.addi %[[R]], %c1
// CHECK-NEXT: %[[ROW_START:.*]] = arith.muli %[[PADDED_ROW]], %c16
// CHECK-NEXT: vector.store %[[ZERO]], %[[PAD]][%[[ROW_START]]]
// CHECK-NEXT: %[[COPY_START:.*]] = arith.addi %[[ROW_START]], %c1
// CHECK-NEXT: %[[MASK7:.*]] = vector.constant_mask [7] : vector<8xi1>
// CHECK-NEXT: %[[ROW:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CH]], %[[R]], %c0], %[[MASK7]], %[[ZERO]]
// CHECK-NEXT: vector.store %[[ROW]], %[[PAD]][%[[COPY_START]]]
// CHECK-NEXT: %[[PAST:.*]] = arith.addi %[[ROW_START]], %c9
// CHECK-NEXT: vector.store %[[ZERO]], %[[PAD]][%[[PAST]]]
// CHECK: scf.for %[[AT2:.*]] = %c0 to %c16 step %c8 {
// CHECK-NEXT: %[[LAST_ROW:.*]] = arith.addi %[[AT2]], %c112
// CHECK-NEXT: vector.store %[[ZERO]], %[[PAD]][%[[LAST_ROW]]]
// CHECK: memref.load %[[W]][%[[CH]], %c0, %c0, %c0]
// CHECK-COUNT-8: memref.load %[[W]]
// CHECK: %[[BIAS:.*]] = memref.load %[[B]][%[[CH]]]
// CHECK-NEXT: %[[START:.*]] = vector.broadcast %[[BIAS]] : f32 to vector<8xf32>
// CHECK: scf.for %[[OUT_ROW:.*]] = %c0 to %c6 step %c1 {
// CHECK-NEXT: %[[TAPS:.*]] = arith.muli %[[OUT_ROW]], %c16
// CHECK-NEXT: %[[IN0:.*]] = vector.load %[[PAD]][%[[TAPS]]] : memref<136xf32>, vector<8xf32>
// CHECK-NEXT: %[[S0:.*]] = vector.fma %{{.*}}, %[[IN0]], %[[START]]
// CHECK-COUNT-8: vector.fma
// CHECK-NEXT: %[[MASK:.*]] = vector.constant_mask [7] : vector<8xi1>
// CHECK-NEXT: vector.maskedstore %[[Y]][%{{.*}}, %[[CH]], %[[OUT_ROW]], %c0], %[[MASK]]
// CHECK: memref.dealloc %[[PAD]]
// CHECK-NEXT: } {omc.parallel}
func.func @depthwise(%x: tensor<1x4x6x7xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x7xf32> {
  %0 = onnx.Conv %x, %w, %b {group = 4 : si64, pads = [1, 1, 1, 1]} : (tensor<1x4x6x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x7xf32>
  return %0 : tensor<1x4x6x7xf32>
}

// Stride 2, 10 outputs a row: one whole vector at column 0 (stored unmasked; its loop of
// one trip folds away) and 2 outputs past it.
// Each tap reads two vectors of the padded row and keeps the even lanes; rows of 40
// floats (the last vector's taps read up to column 33); no bias: the sums start at 0.
// CHECK-LABEL: func.func @strided
// CHECK: %[[PAD:.*]] = memref.alloc() : memref<448xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c5 step %c1 {
// CHECK: %[[LO:.*]] = vector.load %[[PAD]]
// CHECK-NEXT: %[[AT:.*]] = arith.addi %{{.*}}, %c8
// CHECK-NEXT: %[[HI:.*]] = vector.load %[[PAD]][%[[AT]]]
// CHECK-NEXT: %[[EVEN:.*]] = vector.shuffle %[[LO]], %[[HI]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK-NEXT: vector.fma %{{.*}}, %[[EVEN]], %cst
// CHECK-COUNT-8: vector.shuffle
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c0] : memref<1x2x5x10xf32>, vector<8xf32>
// CHECK: vector.constant_mask [2]
// CHECK: vector.maskedstore %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c8]
func.func @strided(%x: tensor<1x2x9x20xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x5x10xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 2 : si64, pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x9x20xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x5x10xf32>
  return %0 : tensor<1x2x5x10xf32>
}

// A dilation (or a stride past 2) keeps the rows of scalar fused multiply-adds: per
// kernel row i, the output rows whose input row lies in X, and per tap the output columns
// whose input column does, every bound fixed at compile time: with dilation 2 and pads 2,
// kernel row 0 misses output rows 0 and 1, tap 0 columns 0 and 1, tap 2 columns 5 and 6;
// where all three overlap (columns 2 to 4) one loop takes them into one load and store of Y.
// CHECK-LABEL: func.func @dilated
// CHECK-NOT: vector.
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%c0, %c0) to(%c1, %c4)
// CHECK: krnl.iterate(%{{.*}}) from(%c2) to(%c6)
// CHECK: krnl.iterate(%{{.*}}) from(%c2) to(%c5)
// CHECK-NEXT: ^bb0(%[[COL:.*]]: index):
// CHECK-NEXT: %[[SUM:.*]] = krnl.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[COL]]]
// CHECK: %[[S0:.*]] = math.fma %{{.*}}, %{{.*}}, %[[SUM]]
// CHECK: %[[S1:.*]] = math.fma %{{.*}}, %{{.*}}, %[[S0]]
// CHECK: %[[S2:.*]] = math.fma %{{.*}}, %{{.*}}, %[[S1]]
// CHECK-NEXT: krnl.store %[[S2]]
// CHECK-NOT: arith.select
// CHECK: return
func.func @dilated(%x: tensor<1x4x6x7xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x7xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 4 : si64, pads = [2, 2, 2, 2], dilations = [2, 2]} : (tensor<1x4x6x7xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x6x7xf32>
  return %0 : tensor<1x4x6x7xf32>
}

// Two filters per channel is no depthwise conv: the gather nest.
// CHECK-LABEL: func.func @multiplier_two
// CHECK: arith.select
func.func @multiplier_two(%x: tensor<1x4x6x7xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x7xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 4 : si64, pads = [1, 1, 1, 1]} : (tensor<1x4x6x7xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x7xf32>
  return %0 : tensor<1x8x6x7xf32>
}
