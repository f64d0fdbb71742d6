// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Slice with a negative step: the first index and the count come from the clamped
// bounds (start 10 -> 3, end -100 -> -1, step -2 -> 2 elements from index 3).
// CHECK-LABEL: func.func @slice_negative_step
// CHECK: %[[STEP:.*]] = arith.constant -2 : index
// CHECK: arith.constant 1 : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.constant 3 : index
// CHECK-NEXT: arith.constant 2 : index
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: %[[OFF:.*]] = arith.muli %[[I]], %[[STEP]]
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRST]], %[[OFF]]
// CHECK: krnl.load %{{.*}}[%[[ROW]], %[[J]]]
func.func @slice_negative_step(%a: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %starts = onnx.Constant {value = dense<[10]> : tensor<1xi64>} : tensor<1xi64>
  %ends = onnx.Constant {value = dense<[-100]> : tensor<1xi64>} : tensor<1xi64>
  %axes = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %steps = onnx.Constant {value = dense<[-2]> : tensor<1xi64>} : tensor<1xi64>
  %0 = onnx.Slice %a, %starts, %ends, %axes, %steps : (tensor<4x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// A dynamic dim is clamped when the model runs.
// CHECK-LABEL: func.func @slice_dynamic
// CHECK: %[[DIM:.*]] = memref.dim %{{.*}}, %c0
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: arith.divsi
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x3xf32>
func.func @slice_dynamic(%a: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %starts = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %ends = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %none = onnx.NoValue
  %0 = onnx.Slice %a, %starts, %ends, %none, %none : (tensor<?x3xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// Starts, ends, axes and steps that are graph inputs are read when the model runs;
// each entry's range goes to the dim its axis names.
// CHECK-LABEL: func.func @slice_runtime_bounds
// CHECK: krnl.load %arg1
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
func.func @slice_runtime_bounds(%a: tensor<4x3xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %x: tensor<1xi64>, %t: tensor<1xi64>) -> tensor<2x3xf32> {
  %0 = onnx.Slice %a, %s, %e, %x, %t : (tensor<4x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// Split makes one buffer per part; the second reads from offset 2 along the axis.
// CHECK-LABEL: func.func @split
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
// CHECK: krnl.iterate
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x4xf32>
// CHECK: krnl.iterate
func.func @split(%a: tensor<5x4xf32>) -> (tensor<2x4xf32>, tensor<3x4xf32>) {
  %split = onnx.Constant {value = dense<[2, 3]> : tensor<2xi64>} : tensor<2xi64>
  %0:2 = onnx.Split %a, %split {axis = 0 : si64} : (tensor<5x4xf32>, tensor<2xi64>) -> (tensor<2x4xf32>, tensor<3x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<3x4xf32>
}

// Constant Pad fills the result, then copies the input to its place.
// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x7xf32>
// CHECK: %[[FILL:.*]] = krnl.load %{{.*}}[] : memref<f32>
// CHECK: krnl.store %[[FILL]], %[[OUT]]
// CHECK: krnl.iterate
// CHECK: krnl.store %{{.*}}, %[[OUT]]
func.func @pad_constant(%a: tensor<2x3xf32>, %v: tensor<f32>) -> tensor<4x7xf32> {
  %pads = onnx.Constant {value = dense<[1, 2, 1, 2]> : tensor<4xi64>} : tensor<4xi64>
  %0 = onnx.Pad %a, %pads, %v {mode = "constant"} : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x7xf32>
  return %0 : tensor<4x7xf32>
}

// Pads that are a graph input are read when the model runs.
// CHECK-LABEL: func.func @pad_runtime
// CHECK: krnl.load %arg1
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x8xi32>
// CHECK: arith.minsi
// CHECK: arith.maxsi
func.func @pad_runtime(%a: tensor<3x4xi32>, %pads: tensor<4xi64>) -> tensor<3x8xi32> {
  %none = onnx.NoValue
  %0 = onnx.Pad %a, %pads, %none {mode = "edge"} : (tensor<3x4xi32>, tensor<4xi64>, none) -> tensor<3x8xi32>
  return %0 : tensor<3x8xi32>
}

// Reflect mirrors the index back into the input.
// CHECK-LABEL: func.func @pad_reflect
// CHECK: krnl.iterate
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi sgt
// CHECK: arith.select
// CHECK: krnl.load
func.func @pad_reflect(%a: tensor<3x4xf32>) -> tensor<3x8xf32> {
  %pads = onnx.Constant {value = dense<[0, 2, 0, 2]> : tensor<4xi64>} : tensor<4xi64>
  %none = onnx.NoValue
  %0 = onnx.Pad %a, %pads, %none {mode = "reflect"} : (tensor<3x4xf32>, tensor<4xi64>, none) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// Tile reads the input at the index modulo its dims.
// CHECK-LABEL: func.func @tile
// CHECK: arith.remui
// CHECK-NOT: arith.remui
// CHECK: krnl.store
func.func @tile(%a: tensor<1x3xf32>) -> tensor<2x6xf32> {
  %r = onnx.Constant {value = dense<[2, 2]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Tile %a, %r : (tensor<1x3xf32>, tensor<2xi64>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// DepthToSpace runs a 6-d nest in the result's order.
// CHECK-LABEL: func.func @depth_to_space
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x2x4x6xf32>
// CHECK: krnl.define_loops 6
func.func @depth_to_space(%a: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %0 = onnx.DepthToSpace %a {blocksize = 2 : si64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %0 : tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x8x2x3xf32>
// CHECK: krnl.define_loops 6
func.func @space_to_depth(%a: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %0 = onnx.SpaceToDepth %a {blocksize = 2 : si64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %0 : tensor<1x8x2x3xf32>
}

// Range's length is computed when the model runs.
// CHECK-LABEL: func.func @range
// CHECK: arith.divsi
// CHECK: arith.maxsi
// CHECK: %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?xi64>
func.func @range(%s: tensor<i64>, %l: tensor<i64>, %d: tensor<i64>) -> tensor<?xi64> {
  %0 = onnx.Range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// ConstantOfShape fills with the value attribute, in its type.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK: %[[V:.*]] = arith.constant 7 : i32
// CHECK: krnl.store %[[V]]
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<2x3xi32> {
  %0 = onnx.ConstantOfShape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// EyeLike compares column - row with k.
// CHECK-LABEL: func.func @eye_like
// CHECK: %[[K:.*]] = arith.constant 1 : index
// CHECK: arith.subi
// CHECK: arith.cmpi eq, %{{.*}}, %[[K]]
func.func @eye_like(%a: tensor<3x4xf32>) -> tensor<3x4xi32> {
  %0 = onnx.EyeLike %a {dtype = 6 : si64, k = 1 : si64} : (tensor<3x4xf32>) -> tensor<3x4xi32>
  return %0 : tensor<3x4xi32>
}

// Shape and Size of a tensor with a dynamic dim read it when the model runs.
// CHECK-LABEL: func.func @shape_size
// CHECK: memref.dim
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2xi64>
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<i64>
func.func @shape_size(%a: tensor<?x3xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %0 = onnx.Shape %a : (tensor<?x3xf32>) -> tensor<2xi64>
  %1 = onnx.Size %a : (tensor<?x3xf32>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

// Dropout at inference: the output is the input, the mask all true.
// CHECK-LABEL: func.func @dropout_mask
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: krnl.store %[[TRUE]]
func.func @dropout_mask(%a: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %none = onnx.NoValue
  %0:2 = onnx.Dropout %a, %none, %none : (tensor<2x3xf32>, none, none) -> (tensor<2x3xf32>, tensor<2x3xi1>)
  return %0#0, %0#1 : tensor<2x3xf32>, tensor<2x3xi1>
}

// CHECK-LABEL: func.func @shrink
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.subf
// CHECK: arith.addf
func.func @shrink(%a: tensor<5xf32>) -> tensor<5xf32> {
  %0 = onnx.Shrink %a {bias = 1.5 : f32, lambd = 1.5 : f32} : (tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
