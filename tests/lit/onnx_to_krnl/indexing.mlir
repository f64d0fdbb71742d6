// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// GatherElements reads the index at each result position, wraps a negative one,
// checks it against the axis and loads the data element with that index along the
// axis; an index out of range stores its error code in the status buffer instead.
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: %[[STATUS:arg[0-9]+]]: memref<i32>
// CHECK-SAME: omc.error_messages = ["GatherElements: an index is out of range for data axis 1"]
// CHECK: krnl.iterate
// CHECK: ^bb0(%[[I:arg[0-9]+]]: index, %[[J:arg[0-9]+]]: index):
// CHECK: %[[RAW:.*]] = krnl.load %{{.*}}[%[[I]], %[[J]]] : memref<2x2xi64>
// CHECK: %[[IDX:.*]] = arith.index_cast %[[RAW]]
// CHECK: arith.cmpi slt, %[[IDX]]
// CHECK: %[[W:.*]] = arith.select
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[W]]
// CHECK: %[[V:.*]] = scf.if %[[OK]]
// CHECK: krnl.load %{{.*}}[%[[I]], %[[W]]] : memref<3x3xf32>
// CHECK: } else {
// CHECK: memref.store %c1_i32{{.*}}, %[[STATUS]][] : memref<i32>
// CHECK: krnl.store %[[V]], %{{.*}}[%[[I]], %[[J]]] : memref<2x2xf32>
func.func @gather_elements(%d: tensor<3x3xf32>, %i: tensor<2x2xi64>) -> tensor<2x2xf32> {
  %0 = onnx.GatherElements %d, %i {axis = 1 : si64} : (tensor<3x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// GatherND with batch_dims = 1: the batch index, then one index read from the
// indices' last dim and checked against data dim 1, then the trailing data dim.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME: omc.error_messages = ["GatherND: an index tuple is out of range for data dims 1 to 1"]
// CHECK: ^bb0(%[[B:arg[0-9]+]]: index, %[[T:arg[0-9]+]]: index):
// CHECK: %[[RAW:.*]] = krnl.load %{{.*}}[%[[B]], %c0{{.*}}] : memref<2x1xi64>
// CHECK: arith.index_cast %[[RAW]]
// CHECK: %[[W:.*]] = arith.select
// CHECK: arith.cmpi ult, %[[W]]
// CHECK: scf.if
// CHECK: krnl.load %{{.*}}[%[[B]], %[[W]], %[[T]]] : memref<2x2x2xi32>
func.func @gather_nd(%d: tensor<2x2x2xi32>, %i: tensor<2x1xi64>) -> tensor<2x2xi32> {
  %0 = onnx.GatherND %d, %i {batch_dims = 1 : si64} : (tensor<2x2x2xi32>, tensor<2x1xi64>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// ScatterElements copies the data, then combines each update into the result
// element its index names (reduction add: load, add, store), when the index is in
// range; one out of range stores nothing and reports.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME: %[[STATUS:arg[0-9]+]]: memref<i32>
// CHECK-SAME: omc.error_messages = ["ScatterElements: an index is out of range for data axis 1"]
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x3xf32>
// CHECK: krnl.iterate
// CHECK: krnl.store %{{.*}}, %[[OUT]]
// CHECK: krnl.iterate
// CHECK: %[[W:.*]] = arith.select
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[W]]
// CHECK: scf.if %[[OK]] {
// CHECK: %[[U:.*]] = krnl.load %{{.*}} : memref<1x2xf32>
// CHECK: %[[OLD:.*]] = krnl.load %[[OUT]][%{{.*}}, %[[W]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[U]]
// CHECK: krnl.store %[[SUM]], %[[OUT]][%{{.*}}, %[[W]]]
// CHECK: } else {
// CHECK: memref.store %c1_i32{{.*}}, %[[STATUS]][] : memref<i32>
func.func @scatter_elements_add(%d: tensor<3x3xf32>, %i: tensor<1x2xi64>, %u: tensor<1x2xf32>) -> tensor<3x3xf32> {
  %0 = onnx.ScatterElements %d, %i, %u {axis = 1 : si64, reduction = "add"} : (tensor<3x3xf32>, tensor<1x2xi64>, tensor<1x2xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// ScatterND reads a tuple of k = 2 indices per update, checks both, and multiplies
// the update into the element they name.
// CHECK-LABEL: func.func @scatter_nd_mul
// CHECK-SAME: omc.error_messages = ["ScatterND: an index tuple is out of range for data dims 0 to 1"]
// CHECK: krnl.iterate
// CHECK: ^bb0(%[[U:arg[0-9]+]]: index):
// CHECK: krnl.load %{{.*}}[%[[U]], %c0{{.*}}] : memref<2x2xi64>
// CHECK: %[[R:.*]] = arith.select
// CHECK: %[[ROK:.*]] = arith.cmpi ult, %[[R]]
// CHECK: krnl.load %{{.*}}[%[[U]], %c1{{.*}}] : memref<2x2xi64>
// CHECK: %[[C:.*]] = arith.select
// CHECK: %[[COK:.*]] = arith.cmpi ult, %[[C]]
// CHECK: %[[BOTH:.*]] = arith.andi %[[ROK]], %[[COK]]
// CHECK: scf.if %[[BOTH]] {
// CHECK: %[[OLD:.*]] = krnl.load %{{.*}}[%[[R]], %[[C]]] : memref<4x4xi32>
// CHECK: arith.muli %[[OLD]]
func.func @scatter_nd_mul(%d: tensor<4x4xi32>, %i: tensor<2x2xi64>, %u: tensor<2xi32>) -> tensor<4x4xi32> {
  %0 = onnx.ScatterND %d, %i, %u {reduction = "mul"} : (tensor<4x4xi32>, tensor<2x2xi64>, tensor<2xi32>) -> tensor<4x4xi32>
  return %0 : tensor<4x4xi32>
}

// OneHot compares the wrapped index with the position along the new axis.
// CHECK-LABEL: func.func @one_hot
// CHECK: ^bb0(%[[I:arg[0-9]+]]: index, %[[D:arg[0-9]+]]: index):
// CHECK: %[[RAW:.*]] = krnl.load %{{.*}}[%[[I]]] : memref<3xf32>
// CHECK: arith.fptosi %[[RAW]]
// CHECK: %[[W:.*]] = arith.select
// CHECK: %[[HOT:.*]] = arith.cmpi eq, %[[W]], %[[D]]
// CHECK: arith.select %[[HOT]]
func.func @one_hot(%i: tensor<3xf32>, %depth: tensor<f32>, %v: tensor<2xi32>) -> tensor<3x5xi32> {
  %0 = onnx.OneHot %i, %depth, %v : (tensor<3xf32>, tensor<f32>, tensor<2xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}
