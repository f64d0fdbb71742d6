// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl --canonicalize | FileCheck %s

// Conv with pads and strides, batch 2 (the gather nest; batch 1 is conv_as_matmul.mlir):
// the result starts at the bias; the reduction over
// (c, kh, kw) reads X at o * 2 + k - 1, clamped into [0, 5) and zero outside.
// CHECK-LABEL: func.func @conv_pads_strides
// CHECK-SAME: (%[[X:.*]]: memref<2x2x5x5xf32>, %[[W:.*]]: memref<4x2x3x3xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x3x3xf32>
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index):
// CHECK: %[[BIAS:.*]] = krnl.load %[[B]][%[[M]]]
// CHECK-NEXT: krnl.store %[[BIAS]], %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
// CHECK: ^bb0(%[[C:.*]]: index, %[[KH:.*]]: index, %[[KW:.*]]: index):
// CHECK-NEXT: %[[S:.*]] = arith.muli %[[OH]], %c2
// CHECK-NEXT: %[[SK:.*]] = arith.addi %[[S]], %[[KH]]
// CHECK-NEXT: %[[H:.*]] = arith.subi %[[SK]], %c1
// CHECK-NEXT: %[[LO:.*]] = arith.cmpi sge, %[[H]], %c0
// CHECK-NEXT: %[[HI:.*]] = arith.cmpi slt, %[[H]], %c5
// CHECK-NEXT: %[[HOK:.*]] = arith.andi %[[LO]], %[[HI]]
// CHECK-NEXT: %[[HC:.*]] = arith.select %[[HOK]], %[[H]], %c0
// CHECK: %[[WC:.*]] = arith.select %[[WOK:.*]], %{{.*}}, %c0
// CHECK-NEXT: %[[OK:.*]] = arith.andi %[[HOK]], %[[WOK]]
// CHECK-NEXT: %[[XV:.*]] = krnl.load %[[X]][%[[N]], %[[C]], %[[HC]], %[[WC]]]
// CHECK-NEXT: %[[XZ:.*]] = arith.select %[[OK]], %[[XV]], %cst
// CHECK-NEXT: %[[WV:.*]] = krnl.load %[[W]][%[[M]], %[[C]], %[[KH]], %[[KW]]]
// CHECK-NEXT: %[[ACC:.*]] = krnl.load %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[XZ]], %[[WV]]
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK-NEXT: krnl.store %[[SUM]], %[[Y]][%[[N]], %[[M]], %[[OH]], %[[OW]]]
func.func @conv_pads_strides(%x: tensor<2x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<2x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<2x4x3x3xf32>
  return %0 : tensor<2x4x3x3xf32>
}

// -----

// Depthwise (group = 3, one channel per group), no padding: channel m reads input
// channel m, without bounds checks; no bias starts the result at 0.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.*]]: memref<1x3x6xf32>, %[[W:.*]]: memref<3x1x2xf32>)
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[O:.*]]: index):
// CHECK: krnl.store %cst
// CHECK: ^bb0(%[[C:.*]]: index, %[[K:.*]]: index):
// CHECK-NEXT: %[[CH:.*]] = arith.addi %{{.*}}, %[[C]]
// CHECK-NEXT: %[[P:.*]] = arith.addi %[[O]], %[[K]]
// CHECK-NEXT: krnl.load %[[X]][%[[N]], %[[CH]], %[[P]]]
// CHECK-NEXT: krnl.load %[[W]][%[[M]], %[[C]], %[[K]]]
// CHECK-NOT: arith.select
// CHECK: return
func.func @conv_depthwise(%x: tensor<1x3x6xf32>, %w: tensor<3x1x2xf32>) -> tensor<1x3x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 3 : si64} : (tensor<1x3x6xf32>, tensor<3x1x2xf32>, none) -> tensor<1x3x5xf32>
  return %0 : tensor<1x3x5xf32>
}

// -----

// SAME_LOWER, length 7, stride 3, kernel 4: total padding 3, the larger half (2) first.
// CHECK-LABEL: func.func @conv_same_lower
// CHECK: %[[S:.*]] = arith.muli %{{.*}}, %c3
// CHECK-NEXT: %[[SK:.*]] = arith.addi %[[S]], %{{.*}}
// CHECK-NEXT: arith.subi %[[SK]], %c2
func.func @conv_same_lower(%x: tensor<1x2x7xf32>, %w: tensor<3x2x4xf32>) -> tensor<1x3x3xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {auto_pad = "SAME_LOWER", strides = [3]} : (tensor<1x2x7xf32>, tensor<3x2x4xf32>, none) -> tensor<1x3x3xf32>
  return %0 : tensor<1x3x3xf32>
}

// -----

// Dynamic batch and length: the result length is L - (3 - 1) * 2, and the read is
// checked against L at run time.
// CHECK-LABEL: func.func @conv_dynamic
// CHECK-SAME: (%[[X:.*]]: memref<?x2x?xf32>
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[L:.*]] = memref.dim %[[X]], %c2
// CHECK: %[[OL:.*]] = arith.addi %[[L]], %c-4
// CHECK: memref.alloc(%[[N]], %[[OL]]) {alignment = 64 : i64} : memref<?x4x?xf32>
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0, %c0) to(%[[N]], %c4, %[[OL]])
// CHECK: arith.cmpi slt, %{{.*}}, %[[L]]
func.func @conv_dynamic(%x: tensor<?x2x?xf32>, %w: tensor<4x2x3xf32>) -> tensor<?x4x?xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {dilations = [2]} : (tensor<?x2x?xf32>, tensor<4x2x3xf32>, none) -> tensor<?x4x?xf32>
  return %0 : tensor<?x4x?xf32>
}

// -----

// ConvTranspose gathers: output o reads input (o - k) / stride where that is in range
// and divides exactly (output_shape [10, 8] pads nothing at the start here).
// CHECK-LABEL: func.func @conv_transpose_strides
// CHECK-SAME: (%[[X:.*]]: memref<1x1x3x3xf32>, %[[W:.*]]: memref<1x2x3x3xf32>)
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x2x10x8xf32>
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index):
// CHECK: ^bb0(%[[C:.*]]: index, %[[KH:.*]]: index, %[[KW:.*]]: index):
// CHECK-NEXT: %[[T:.*]] = arith.subi %[[OH]], %[[KH]]
// CHECK-NEXT: %[[LO:.*]] = arith.cmpi sge, %[[T]], %c0
// CHECK-NEXT: %[[HI:.*]] = arith.cmpi slt, %[[T]], %c9
// CHECK-NEXT: %[[IN:.*]] = arith.andi %[[LO]], %[[HI]]
// CHECK-NEXT: %[[REM:.*]] = arith.remsi %[[T]], %c3
// CHECK-NEXT: %[[EXACT:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK-NEXT: %[[HOK:.*]] = arith.andi %[[IN]], %[[EXACT]]
// CHECK-NEXT: %[[TC:.*]] = arith.select %[[HOK]], %[[T]], %c0
// CHECK-NEXT: %[[H:.*]] = arith.divui %[[TC]], %c3
// CHECK: %[[WP:.*]] = arith.divui %{{.*}}, %c2
// CHECK-NEXT: arith.andi %[[HOK]], %{{.*}}
// CHECK-NEXT: krnl.load %[[X]][%[[N]], %[[C]], %[[H]], %[[WP]]]
// CHECK: krnl.load %[[W]][%[[C]], %[[M]], %[[KH]], %[[KW]]]
func.func @conv_transpose_strides(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32> {
  %none = onnx.NoValue
  %0 = onnx.ConvTranspose %x, %w, %none {output_shape = [10, 8], strides = [3, 2]} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>, none) -> tensor<1x2x10x8xf32>
  return %0 : tensor<1x2x10x8xf32>
}

// -----

// ConvTranspose with 2 groups: W is [C, M / group, k]; output channel m of group
// m / 3 reads input channels 2 * (m / 3) + c and W[2 * (m / 3) + c, m % 3, k].
// CHECK-LABEL: func.func @conv_transpose_group_bias
// CHECK-SAME: (%[[X:.*]]: memref<1x4x3xf32>, %[[W:.*]]: memref<4x3x2xf32>, %[[B:.*]]: memref<6xf32>)
// CHECK: ^bb0(%[[N:.*]]: index, %[[M:.*]]: index, %[[O:.*]]: index):
// CHECK-NEXT: %[[G:.*]] = arith.divui %[[M]], %c3
// CHECK-NEXT: %[[FIRST:.*]] = arith.muli %[[G]], %c2
// CHECK-NEXT: %[[MG:.*]] = arith.remui %[[M]], %c3
// CHECK-NEXT: %[[BIAS:.*]] = krnl.load %[[B]][%[[M]]]
// CHECK: ^bb0(%[[C:.*]]: index, %[[K:.*]]: index):
// CHECK-NEXT: %[[CH:.*]] = arith.addi %[[FIRST]], %[[C]]
// CHECK: krnl.load %[[X]][%[[N]], %[[CH]], %{{.*}}]
// CHECK: krnl.load %[[W]][%[[CH]], %[[MG]], %[[K]]]
func.func @conv_transpose_group_bias(%x: tensor<1x4x3xf32>, %w: tensor<4x3x2xf32>, %b: tensor<6xf32>) -> tensor<1x6x4xf32> {
  %0 = onnx.ConvTranspose %x, %w, %b {group = 2 : si64} : (tensor<1x4x3xf32>, tensor<4x3x2xf32>, tensor<6xf32>) -> tensor<1x6x4xf32>
  return %0 : tensor<1x6x4xf32>
}

// -----

// An unknown auto_pad fails the pattern (a clear error, no crash).
func.func @conv_bad_auto_pad(%x: tensor<1x1x5xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x3xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.Conv'}}
  %0 = onnx.Conv %x, %w, %none {auto_pad = "SAME_DIAGONAL"} : (tensor<1x1x5xf32>, tensor<1x1x3xf32>, none) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

// An activation the lowering does not know fails the pattern.
func.func @conv_unknown_activation(%x: tensor<1x1x5xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x3xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.Conv'}}
  %0 = onnx.Conv %x, %w, %none {omc.activation = "gelu"} : (tensor<1x1x5xf32>, tensor<1x1x3xf32>, none) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}
