// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A depthwise conv (group = channels = filters): per (n, c), the plane starts as the
// bias, then per kernel row i the output rows whose input row lies in X (i = 0 misses
// row 0 with pads 1), and per tap j the output columns whose input column does (j = 0
// misses column 0, j = 2 the last): where all three overlap (columns 1 to 6) one loop
// takes the three taps, fused multiply-adds into one load and store of Y; each tap alone
// takes its columns outside the overlap. Every loop has constant bounds, every index is
// affine.
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: (%[[X:.*]]: memref<1x4x6x7xf32>, %[[W:.*]]: memref<4x1x3x3xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%c0, %c0) to(%c1, %c4)
// CHECK: %[[START:.*]] = krnl.load %[[B]]
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%c0, %c0) to(%c6, %c7)
// CHECK: krnl.store %[[START]]
// CHECK: krnl.load %[[W]][%{{.*}}, %c0, %c0, %c0]
// Kernel row 0: output rows 1 to 6; the edges: tap 0 column 6, tap 1 columns 0 and 6,
// tap 2 column 0; then the overlap.
// CHECK: krnl.iterate(%{{.*}}) from(%c1) to(%c6)
// CHECK: krnl.iterate(%{{.*}}) from(%c6) to(%c7)
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c1)
// CHECK: krnl.iterate(%{{.*}}) from(%c6) to(%c7)
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c1)
// CHECK: krnl.iterate(%{{.*}}) from(%c1) to(%c6)
// CHECK-NEXT: ^bb0(%[[COL:.*]]: index):
// CHECK-NEXT: %[[Y:.*]] = krnl.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[COL]]]
// CHECK: %[[X0:.*]] = krnl.load %[[X]]
// CHECK-NEXT: %[[S0:.*]] = math.fma %{{.*}}, %[[X0]], %[[Y]]
// CHECK: %[[X1:.*]] = krnl.load %[[X]]
// CHECK-NEXT: %[[S1:.*]] = math.fma %{{.*}}, %[[X1]], %[[S0]]
// CHECK: %[[X2:.*]] = krnl.load %[[X]]
// CHECK-NEXT: %[[S2:.*]] = math.fma %{{.*}}, %[[X2]], %[[S1]]
// CHECK-NEXT: krnl.store %[[S2]]
// Kernel row 1: every output row.
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c6)
// CHECK-NOT: arith.select
// CHECK: return
func.func @depthwise(%x: tensor<1x4x6x7xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x7xf32> {
  %0 = onnx.Conv %x, %w, %b {group = 4 : si64, pads = [1, 1, 1, 1]} : (tensor<1x4x6x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x7xf32>
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
