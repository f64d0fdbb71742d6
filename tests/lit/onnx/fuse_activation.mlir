// RUN: omc-opt %s --split-input-file --onnx-fuse-activation | FileCheck %s

// A Relu that alone reads a Conv folds into it.
// CHECK-LABEL: func.func @fused
// CHECK-NEXT: %[[Y:.*]] = onnx.Conv %{{.*}}, %{{.*}}, %{{.*}} {omc.activation = "relu", pads = [1, 1, 1, 1]}
// CHECK-NOT: onnx.Relu
// CHECK-NEXT: return %[[Y]]
func.func @fused(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x5xf32> {
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
  %1 = onnx.Relu %0 : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %1 : tensor<1x4x5x5xf32>
}

// -----

// The Conv's result is read by more than the Relu (a residual): nothing changes.
// CHECK-LABEL: func.func @conv_read_twice
// CHECK: %[[Y:.*]] = onnx.Conv
// CHECK-NOT: omc.activation
// CHECK: onnx.Relu %[[Y]]
// CHECK: onnx.Add
func.func @conv_read_twice(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Relu %0 : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %2 = onnx.Add %0, %1 : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %2 : tensor<1x2x5x5xf32>
}

// -----

// A Relu whose type shape inference left less refined than the Conv's keeps its own op.
// CHECK-LABEL: func.func @types_differ
// CHECK: onnx.Relu
func.func @types_differ(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Relu %0 : (tensor<1x2x5x5xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// A residual Add that only a Relu reads takes the Relu in too.
// CHECK-LABEL: func.func @add_fused
// CHECK-NEXT: %[[Y:.*]] = onnx.Add %{{.*}}, %{{.*}} {omc.activation = "relu"}
// CHECK-NOT: onnx.Relu
// CHECK-NEXT: return %[[Y]]
func.func @add_fused(%a: tensor<1x2x5x5xf32>, %b: tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> {
  %0 = onnx.Add %a, %b : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %1 = onnx.Relu %0 : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %1 : tensor<1x2x5x5xf32>
}

// -----

// An integer Add keeps its Relu.
// CHECK-LABEL: func.func @add_int
// CHECK: onnx.Add
// CHECK-NOT: omc.activation
// CHECK: onnx.Relu
func.func @add_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = onnx.Add %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = onnx.Relu %0 : (tensor<4xi32>) -> tensor<4xi32>
  return %1 : tensor<4xi32>
}

// -----

// Other ops keep their Relu.
// CHECK-LABEL: func.func @mul_kept
// CHECK: onnx.Mul
// CHECK-NOT: omc.activation
// CHECK: onnx.Relu
func.func @mul_kept(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = onnx.Mul %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Relu %0 : (tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A Clip to [0, 6] (ReLU6) that alone reads a Conv folds into it as "relu6".
// CHECK-LABEL: func.func @relu6
// CHECK: %[[Y:.*]] = onnx.Conv %{{.*}}, %{{.*}}, %{{.*}} {omc.activation = "relu6"}
// CHECK-NOT: onnx.Clip
// CHECK: return %[[Y]]
func.func @relu6(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<6.0> : tensor<f32>} : tensor<f32>
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Clip %0, %lo, %hi : (tensor<1x2x5x5xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x5x5xf32>
  return %1 : tensor<1x2x5x5xf32>
}

// -----

// Other bounds, or a bound that is no constant, keep the Clip.
// CHECK-LABEL: func.func @other_clips
// CHECK-NOT: omc.activation
// CHECK: onnx.Clip
// CHECK: onnx.Clip
func.func @other_clips(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>, %t: tensor<f32>) -> (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) {
  %none = onnx.NoValue
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<4.0> : tensor<f32>} : tensor<f32>
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Clip %0, %lo, %hi : (tensor<1x2x5x5xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x5x5xf32>
  %2 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %3 = onnx.Clip %2, %lo, %t : (tensor<1x2x5x5xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x5x5xf32>
  return %1, %3 : tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>
}
