// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl --canonicalize | FileCheck %s

// NonMaxSuppression, corner boxes: the boxes scored above the threshold are candidates;
// each step picks the best remaining one (strictly greater, so ties keep the lower
// index), compares its IOU with every box kept so far and keeps it unless one is above
// the threshold. Then the [total, 3] result is allocated and filled at a running row.
// CHECK-LABEL: func.func @nms
// CHECK-DAG: %[[MAXOUT:.*]] = krnl.load %arg2[%c0] : memref<1xi64>
// CHECK-DAG: %[[IOUTHR:.*]] = krnl.load %arg3[%c0] : memref<1xf32>
// CHECK-DAG: %[[SCORETHR:.*]] = krnl.load %arg4[%c0] : memref<1xf32>
// CHECK: %[[DONE:.*]] = memref.cast %{{.*}} : memref<6xi1> to memref<?xi1>
// CHECK: %[[KEPT:.*]] = memref.cast %{{.*}} : memref<1x2x6xindex> to memref<?x?x?xindex>
// CHECK: %[[COUNTS:.*]] = memref.cast %{{.*}} : memref<1x2xindex> to memref<?x?xindex>
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0) to(%c1, %c2) {
// CHECK-NEXT: ^bb0(%[[B:.*]]: index, %[[C:.*]]: index):
// CHECK: %[[S:.*]] = krnl.load %arg1[%[[B]], %[[C]], %{{.*}}]
// CHECK-NEXT: %[[CAND:.*]] = arith.cmpf ogt, %[[S]], %[[SCORETHR]] : f32
// CHECK-NEXT: %[[NOTCAND:.*]] = arith.xori %[[CAND]], %true
// CHECK-NEXT: krnl.store %[[NOTCAND]], %[[DONE]]
// The steps, one per candidate; the argmax over the boxes not done.
// CHECK: krnl.iterate({{.*}}) from(%c0) to(%{{.*}}) {
// CHECK: krnl.iterate({{.*}}) from(%c0) to(%{{.*}}) {
// CHECK: %[[SC:.*]] = krnl.load %arg1
// CHECK: %[[BEST:.*]] = krnl.load %{{.*}}[] : memref<f32>
// CHECK: arith.cmpf ogt, %[[SC]], %[[BEST]] : f32
// Corner boxes: the edges are the min and max of the two corners.
// CHECK: krnl.store %true, %[[DONE]]
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// The IOU with each kept box.
// CHECK: krnl.iterate({{.*}}) from(%c0) to(%{{.*}}) {
// CHECK: %[[OTHER:.*]] = krnl.load %[[KEPT]][%[[B]], %[[C]], %{{.*}}]
// CHECK: krnl.load %arg0[%[[B]], %[[OTHER]], %c0]
// CHECK: %[[RATIO:.*]] = arith.divf
// CHECK: arith.cmpf ogt, %[[RATIO]], %[[IOUTHR]] : f32
// CHECK: arith.ori
// CHECK: }
// CHECK: krnl.store %{{.*}}, %[[KEPT]]
// CHECK: krnl.store %{{.*}}, %[[COUNTS]][%[[B]], %[[C]]]
// The total of the counts sizes the result.
// CHECK: krnl.iterate
// CHECK: krnl.load %[[COUNTS]]
// CHECK: arith.addi
// CHECK: }
// CHECK-NEXT: %[[TOTAL:.*]] = krnl.load
// CHECK-NEXT: %[[OUT:.*]] = memref.alloc(%[[TOTAL]]) {alignment = 64 : i64} : memref<?x3xi64>
// CHECK: %[[ONCE:.*]] = arith.minsi %[[TOTAL]], %c1
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0, %c0) to(%[[ONCE]], %c1, %c2) {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %[[B2:.*]]: index, %[[C2:.*]]: index):
// CHECK-NEXT: %[[N:.*]] = krnl.load %[[COUNTS]][%[[B2]], %[[C2]]]
// CHECK: krnl.iterate({{.*}}) from(%c0) to(%[[N]]) {
// CHECK: krnl.store %{{.*}}, %[[OUT]][%{{.*}}, %c0]
// CHECK: krnl.store %{{.*}}, %[[OUT]][%{{.*}}, %c1]
// CHECK: krnl.store %{{.*}}, %[[OUT]][%{{.*}}, %c2]
// CHECK: return %[[OUT]]
func.func @nms(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x2x6xf32>, %max: tensor<1xi64>, %iou: tensor<1xf32>, %score: tensor<1xf32>) -> tensor<?x3xi64> {
  %0 = onnx.NonMaxSuppression %boxes, %scores, %max, %iou, %score : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<1xi64>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// Center-point boxes: edges at center -/+ size / 2. Without a score threshold every
// box is a candidate; without an IOU threshold it is 0.
// CHECK-LABEL: func.func @nms_center
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: krnl.iterate
// CHECK-NOT: arith.cmpf
// CHECK: krnl.store %false
// CHECK: %[[W:.*]] = krnl.load %arg0[%{{.*}}, %{{.*}}, %c2]
// CHECK: %[[H:.*]] = krnl.load %arg0[%{{.*}}, %{{.*}}, %c3]
// CHECK: arith.divf %[[W]], %[[TWO]]
// CHECK: arith.divf %[[H]], %[[TWO]]
// CHECK: %[[RATIO:.*]] = arith.divf %{{[0-9]+}}, %{{[0-9]+}} : f32
// CHECK-NEXT: arith.cmpf ogt, %[[RATIO]], %[[ZERO]] : f32
func.func @nms_center(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x1x6xf32>, %max: tensor<1xi64>) -> tensor<?x3xi64> {
  %none = onnx.NoValue
  %0 = onnx.NonMaxSuppression %boxes, %scores, %max, %none, %none {center_point_box = 1 : si64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<1xi64>, none, none) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// RoiAlign, avg, half_pixel, adaptive sampling: the roi shifted by half a pixel, a
// ceil(bin size) x ceil(bin size) sample nest per bin, four bilinear taps per sample,
// and the sum divided by the sample count.
// CHECK-LABEL: func.func @roi_align
// CHECK: krnl.iterate({{.*}}) from(%c0) to(%c3) {
// CHECK-NEXT: ^bb0(%[[R:.*]]: index):
// CHECK: %[[BATCH:.*]] = arith.minsi
// CHECK: %[[X1:.*]] = krnl.load %arg1[%[[R]], %c0]
// CHECK-NEXT: arith.subf %[[X1]], %[[HALF:cst_[0-9]+]]
// CHECK: math.ceil
// CHECK: %[[GH:.*]] = arith.maxsi %{{.*}}, %c0 : index
// CHECK: math.ceil
// CHECK: %[[GW:.*]] = arith.maxsi %{{.*}}, %c0 : index
// CHECK: %[[SAMPLES:.*]] = arith.muli %[[GH]], %[[GW]]
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0, %c0) to(%c2, %c2, %c2) {
// CHECK-NEXT: ^bb0(%[[CH:.*]]: index, %[[PH:.*]]: index, %[[PW:.*]]: index):
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0) to(%[[GH]], %[[GW]]) {
// CHECK-COUNT-4: krnl.load %arg0[%[[BATCH]], %[[CH]], %{{.*}}, %{{.*}}]
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: }
// CHECK: %[[SUM:.*]] = krnl.load
// CHECK-NEXT: %[[AVG:.*]] = arith.divf %[[SUM]]
// CHECK-NEXT: krnl.store %[[AVG]], %{{.*}}[%[[R]], %[[CH]], %[[PH]], %[[PW]]]
func.func @roi_align(%x: tensor<1x2x8x8xf32>, %rois: tensor<3x4xf32>, %bi: tensor<3xi64>) -> tensor<3x2x2x2xf32> {
  %0 = onnx.RoiAlign %x, %rois, %bi {output_height = 2 : si64, output_width = 2 : si64} : (tensor<1x2x8x8xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}

// -----

// RoiAlign, max, output_half_pixel, sampling_ratio 2: rois at least one pixel, a fixed
// 2x2 sample nest, the maximum of the weighted taps, no division.
// CHECK-LABEL: func.func @roi_align_max
// CHECK: arith.maximumf %{{.*}}, %[[ONE:cst_[0-9]+]] : f32
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0) to(%c2, %c2) {
// CHECK-COUNT-4: krnl.load %arg0
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: }
// CHECK-NOT: arith.divf
// CHECK: krnl.store
func.func @roi_align_max(%x: tensor<1x2x8x8xf32>, %rois: tensor<3x4xf32>, %bi: tensor<3xi64>) -> tensor<3x2x1x1xf32> {
  %0 = onnx.RoiAlign %x, %rois, %bi {mode = "max", coordinate_transformation_mode = "output_half_pixel", sampling_ratio = 2 : si64} : (tensor<1x2x8x8xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x1x1xf32>
  return %0 : tensor<3x2x1x1xf32>
}

// -----

// MaxRoiPool: corners rounded to pixels, each bin's window clipped to the input and
// scanned by a nest of its size; an empty window is 0.
// CHECK-LABEL: func.func @max_roi_pool
// CHECK-COUNT-4: math.round
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0, %c0) to(%c2, %c2, %c3) {
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: %[[DY:.*]] = arith.subi
// CHECK-NEXT: %[[SPANY:.*]] = arith.maxsi %[[DY]], %c0 : index
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: %[[DX:.*]] = arith.subi
// CHECK-NEXT: %[[SPANX:.*]] = arith.maxsi %[[DX]], %c0 : index
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0) to(%[[SPANY]], %[[SPANX]]) {
// CHECK: %[[V:.*]] = krnl.load %arg0
// CHECK: %[[ACC:.*]] = krnl.load
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[ACC]]
// CHECK: arith.select %[[GT]], %[[V]], %[[ACC]]
// CHECK: }
// CHECK: %[[AREA:.*]] = arith.muli %[[SPANY]], %[[SPANX]]
// CHECK: %[[EMPTY:.*]] = arith.cmpi eq, %[[AREA]], %c0
// CHECK: arith.select %[[EMPTY]]
func.func @max_roi_pool(%x: tensor<1x2x8x8xf32>, %rois: tensor<3x5xf32>) -> tensor<3x2x2x3xf32> {
  %0 = onnx.MaxRoiPool %x, %rois {pooled_shape = [2, 3], spatial_scale = 5.000000e-01 : f32} : (tensor<1x2x8x8xf32>, tensor<3x5xf32>) -> tensor<3x2x2x3xf32>
  return %0 : tensor<3x2x2x3xf32>
}

// -----

// Unsupported attributes fail the pattern (a clear error, no crash).
func.func @nms_bad_format(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x1x6xf32>) -> tensor<?x3xi64> {
  %none = onnx.NoValue
  // expected-error @+1 {{failed to legalize operation 'onnx.NonMaxSuppression'}}
  %0 = onnx.NonMaxSuppression %boxes, %scores, %none, %none, %none {center_point_box = 2 : si64} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, none, none, none) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

func.func @roi_align_bad_mode(%x: tensor<1x2x8x8xf32>, %rois: tensor<3x4xf32>, %bi: tensor<3xi64>) -> tensor<3x2x1x1xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.RoiAlign'}}
  %0 = onnx.RoiAlign %x, %rois, %bi {mode = "min"} : (tensor<1x2x8x8xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x1x1xf32>
  return %0 : tensor<3x2x1x1xf32>
}

// -----

func.func @max_roi_pool_bad_shape(%x: tensor<1x2x8x8xf32>, %rois: tensor<3x5xf32>) -> tensor<3x2x2x2xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.MaxRoiPool'}}
  %0 = onnx.MaxRoiPool %x, %rois {pooled_shape = [2]} : (tensor<1x2x8x8xf32>, tensor<3x5xf32>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}
