// RUN: omc-opt %s --split-input-file --verify-diagnostics --convert-onnx-to-krnl | FileCheck %s

// Nearest with scales read when the model runs: the size-1 dims need no coordinate, the
// others round half_pixel coordinates (round_prefer_floor: up only past one half) and
// clamp them into the input.
// CHECK-LABEL: func.func @nearest_scales
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x1x4x6xf32>
// CHECK: krnl.iterate
// CHECK: math.floor
// CHECK: arith.cmpf ogt
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: krnl.load %arg0
// CHECK-NOT: arith.mulf
// CHECK: krnl.store {{.*}}, %[[Y]]
func.func @nearest_scales(%x: tensor<1x1x2x2xf32>, %scales: tensor<4xf32>) -> tensor<1x1x4x6xf32> {
  %none = onnx.NoValue
  %0 = onnx.Resize %x, %none, %scales, %none {mode = "nearest"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// Linear over the two resized dims: 2 x 2 taps, summed in f64.
// CHECK-LABEL: func.func @linear_sizes
// CHECK: krnl.iterate
// CHECK-COUNT-4: krnl.load %arg0
// CHECK: arith.truncf {{.*}} : f64 to f32
func.func @linear_sizes(%x: tensor<1x1x4x4xf32>, %sizes: tensor<4xi64>) -> tensor<1x1x3x3xf32> {
  %none = onnx.NoValue
  %0 = onnx.Resize %x, %none, %none, %sizes {mode = "linear", coordinate_transformation_mode = "align_corners"} : (tensor<1x1x4x4xf32>, none, none, tensor<4xi64>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// Cubic with a constant scale of 1 on the first dim: only the second has taps (4).
// exclude_outside renormalizes the weights.
// CHECK-LABEL: func.func @cubic_exclude_outside
// CHECK: krnl.iterate
// CHECK: arith.divf
// CHECK-COUNT-4: krnl.load %arg0
// CHECK-NOT: krnl.load %arg0
// CHECK: krnl.store
func.func @cubic_exclude_outside(%x: tensor<3x4xf32>) -> tensor<3x8xf32> {
  %none = onnx.NoValue
  %scales = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %0 = onnx.Resize %x, %none, %scales, %none {mode = "cubic", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = 1 : si64} : (tensor<3x4xf32>, none, tensor<2xf32>, none) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// tf_crop_and_resize: a coordinate outside the input gives extrapolation_value.
// CHECK-LABEL: func.func @crop
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: %[[E:.*]] = arith.constant 1.000000e+01 : f32
// CHECK: arith.select {{.*}}, %[[E]]
func.func @crop(%x: tensor<1x1x4x4xf32>, %roi: tensor<8xf32>, %sizes: tensor<4xi64>) -> tensor<1x1x3x3xf32> {
  %none = onnx.NoValue
  %0 = onnx.Resize %x, %roi, %none, %sizes {mode = "linear", coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 1.000000e+01 : f32} : (tensor<1x1x4x4xf32>, tensor<8xf32>, none, tensor<4xi64>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// Upsample (opset 9): asymmetric coordinates, nearest rounds down; a dynamic result
// dim is floor(input * scale).
// CHECK-LABEL: func.func @upsample
// CHECK: arith.fptosi
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<2x?xi32>
// CHECK: krnl.iterate
// CHECK: arith.divf
// CHECK: krnl.load %arg0
func.func @upsample(%x: tensor<2x3xi32>, %scales: tensor<2xf32>) -> tensor<2x?xi32> {
  %0 = onnx.Upsample %x, %scales {mode = "nearest"} : (tensor<2x3xi32>, tensor<2xf32>) -> tensor<2x?xi32>
  return %0 : tensor<2x?xi32>
}

// GridSample, bilinear, zeros padding, align_corners 0: x = ((gx + 1) * W - 1) / 2 (and
// y alike with H), then four taps around it, each read only inside the input (a
// select to 0 otherwise) and weighted by the opposite distances.
// CHECK-LABEL: func.func @grid_sample
// CHECK: %[[H:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: %[[W:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK: krnl.iterate({{.*}}) from(%c0, %c0, %c0, %c0) to(%c1, %c2, %c3, %c6) {
// CHECK-NEXT: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: %[[GX:.*]] = krnl.load %arg1[%[[N]], %[[I]], %[[J]], %c0{{.*}}]
// CHECK: %[[P:.*]] = arith.addf %[[GX]], %[[ONE:.*]] : f32
// CHECK-NEXT: %[[PW:.*]] = arith.mulf %[[P]], %[[W]] : f32
// CHECK-NEXT: %[[PM:.*]] = arith.subf %[[PW]], %[[ONE]] : f32
// CHECK-NEXT: %[[X:.*]] = arith.divf %[[PM]], %{{.*}} : f32
// CHECK: %[[GY:.*]] = krnl.load %arg1[%[[N]], %[[I]], %[[J]], %c1{{.*}}]
// CHECK: %[[Q:.*]] = arith.addf %[[GY]], %{{.*}} : f32
// CHECK-NEXT: arith.mulf %[[Q]], %[[H]] : f32
// CHECK: %[[X0:.*]] = math.floor %[[X]] : f32
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[N]], %[[C]], %{{.*}}, %{{.*}}]
// CHECK-NEXT: arith.constant
// CHECK-NEXT: arith.select %{{.*}}, %[[V]], %{{.*}} : f32
// CHECK-COUNT-3: krnl.load %arg0[%[[N]], %[[C]], %{{.*}}, %{{.*}}]
// CHECK-NOT: krnl.load %arg0
// CHECK: krnl.store %{{.*}}, %{{.*}}[%[[N]], %[[C]], %[[I]], %[[J]]]
func.func @grid_sample(%x: tensor<1x2x4x5xf32>, %grid: tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32> {
  %0 = onnx.GridSample %x, %grid : (tensor<1x2x4x5xf32>, tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// Nearest, border padding, align_corners 1: x = (gx + 1) / 2 * (W - 1), clamped into
// [0, W - 1], rounded half to even; one tap.
// CHECK-LABEL: func.func @grid_sample_nearest_border
// CHECK: %[[GX:.*]] = krnl.load %arg1
// CHECK: %[[P:.*]] = arith.addf %[[GX]]
// CHECK-NEXT: %[[H:.*]] = arith.divf %[[P]]
// CHECK-NEXT: %[[X:.*]] = arith.mulf %[[H]]
// CHECK: %[[LO:.*]] = arith.maximumf %[[X]], %{{.*}} : f32
// CHECK: %[[CL:.*]] = arith.minimumf %{{.*}}, %[[LO]] : f32
// CHECK: math.roundeven
// CHECK: math.roundeven %[[CL]] : f32
// CHECK: krnl.load %arg0
// CHECK-NOT: krnl.load %arg0
// CHECK: krnl.store
func.func @grid_sample_nearest_border(%x: tensor<1x2x4x5xf32>, %grid: tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32> {
  %0 = onnx.GridSample %x, %grid {mode = "nearest", padding_mode = "border", align_corners = 1 : si64} : (tensor<1x2x4x5xf32>, tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// Bicubic, reflection padding: 4 x 4 taps, the padding (a reflection: |x - low| folded
// by the span, then clamped) applied to each tap's column and row, not to the point.
// CHECK-LABEL: func.func @grid_sample_bicubic_reflection
// CHECK: math.floor
// CHECK: math.floor
// CHECK-COUNT-4: math.absf
// CHECK: math.absf
// CHECK-COUNT-4: krnl.load %arg0
// CHECK: math.absf
// CHECK-COUNT-4: krnl.load %arg0
// CHECK: math.absf
// CHECK-COUNT-4: krnl.load %arg0
// CHECK: math.absf
// CHECK-COUNT-4: krnl.load %arg0
// CHECK-NOT: krnl.load %arg0
// CHECK: krnl.store
func.func @grid_sample_bicubic_reflection(%x: tensor<1x2x4x5xf32>, %grid: tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32> {
  %0 = onnx.GridSample %x, %grid {mode = "bicubic", padding_mode = "reflection"} : (tensor<1x2x4x5xf32>, tensor<1x3x6x2xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// -----

// An unknown mode fails the pattern (a clear error, no crash). "linear" is opset 20's name.
func.func @grid_sample_bad_mode(%x: tensor<1x1x4x4xf32>, %grid: tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.GridSample'}}
  %0 = onnx.GridSample %x, %grid {mode = "linear"} : (tensor<1x1x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}
