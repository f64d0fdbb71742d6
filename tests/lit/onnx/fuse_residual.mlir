// RUN: omc-opt %s --split-input-file --onnx-fuse-residual --onnx-fuse-activation | FileCheck %s

// A residual block's tail: the Add joins the Conv that alone feeds it, whichever side the
// Conv is on, and the closing Relu then folds into the ConvAdd.
// CHECK-LABEL: func.func @fused
// CHECK-NEXT: %[[Y:.*]] = onnx.ConvAdd %arg0, %arg1, %arg2, %arg0 {omc.activation = "relu", pads = [1, 1, 1, 1]}
// CHECK-NOT: onnx.Conv
// CHECK-NOT: onnx.Add
// CHECK-NOT: onnx.Relu
// CHECK-NEXT: return %[[Y]]
func.func @fused(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x5x5xf32> {
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  %1 = onnx.Add %x, %0 : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %2 = onnx.Relu %1 : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %2 : tensor<1x2x5x5xf32>
}

// -----

// Both sides are Convs (a downsampling block): one of them takes in the Add; the other
// stays, as Z.
// CHECK-LABEL: func.func @two_convs
// CHECK: %[[Z:.*]] = onnx.Conv
// CHECK-NEXT: onnx.ConvAdd %{{.*}}, %{{.*}}, %{{.*}}, %[[Z]]
// CHECK-NOT: onnx.Add
func.func @two_convs(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>, %v: tensor<2x2x1x1xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Conv %x, %v, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %2 = onnx.Add %0, %1 : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %2 : tensor<1x2x5x5xf32>
}

// -----

// The Conv's result is read by more than the Add: nothing changes.
// CHECK-LABEL: func.func @conv_read_twice
// CHECK: onnx.Conv
// CHECK: onnx.Add
// CHECK-NOT: onnx.ConvAdd
func.func @conv_read_twice(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>) -> (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Add %0, %x : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %0, %1 : tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>
}

// -----

// An Add that broadcasts (a bias row, not a residual) keeps its own op.
// CHECK-LABEL: func.func @broadcast
// CHECK: onnx.Conv
// CHECK: onnx.Add
// CHECK-NOT: onnx.ConvAdd
func.func @broadcast(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>, %r: tensor<5xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Add %0, %r : (tensor<1x2x5x5xf32>, tensor<5xf32>) -> tensor<1x2x5x5xf32>
  return %1 : tensor<1x2x5x5xf32>
}

// -----

// A Conv with an activation of its own: relu(conv) + z is not conv + z.
// CHECK-LABEL: func.func @conv_with_activation
// CHECK: onnx.Conv
// CHECK: onnx.Add
// CHECK-NOT: onnx.ConvAdd
func.func @conv_with_activation(%x: tensor<1x2x5x5xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x5x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {omc.activation = "relu"} : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, none) -> tensor<1x2x5x5xf32>
  %1 = onnx.Add %0, %x : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %1 : tensor<1x2x5x5xf32>
}
