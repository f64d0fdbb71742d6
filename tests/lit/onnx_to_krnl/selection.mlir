// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// TopK keeps a sorted list per row in the result buffers: count the kept elements
// at least as large (ties keep index order), move the rest one place back, insert.
// CHECK-LABEL: func.func @top_k
// CHECK: %[[VALUES:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x2xf32>
// CHECK: %[[INDICES:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x2xi64>
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: %[[X:.*]] = krnl.load %arg0
// CHECK: krnl.iterate
// CHECK: %[[KEPT:.*]] = krnl.load %[[VALUES]]
// CHECK: arith.cmpf oge, %[[KEPT]], %[[X]]
// CHECK: krnl.iterate
// CHECK: krnl.store %{{.*}}, %[[VALUES]]
// CHECK: krnl.store %{{.*}}, %[[INDICES]]
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: krnl.store %{{.*}}, %[[VALUES]]
// CHECK: krnl.store %{{.*}}, %[[INDICES]]
func.func @top_k(%x: tensor<3x4xf32>, %k: tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %0:2 = onnx.TopK %x, %k {axis = 1 : si64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %0#0, %0#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// NonZero counts, allocates [rank, count], then stores each nonzero element's
// indices at a running column.
// CHECK-LABEL: func.func @non_zero
// CHECK: krnl.iterate
// CHECK: arith.cmpi ne
// CHECK: %[[OUT:.*]] = memref.alloc(%[[COUNT:.*]]) {alignment = 64 : i64} : memref<2x?xi64>
// CHECK: %[[COLUMNS:.*]] = arith.minsi %[[COUNT]]
// CHECK: %[[ONCE:.*]] = arith.minsi %[[COLUMNS]]
// CHECK: krnl.iterate({{.*}}) from({{.*}}) to(%[[ONCE]], %c2, %c3)
// CHECK: krnl.store %{{.*}}, %[[OUT]]
// CHECK: krnl.store %{{.*}}, %[[OUT]]
func.func @non_zero(%x: tensor<2x3xi1>) -> tensor<2x?xi64> {
  %0 = onnx.NonZero %x : (tensor<2x3xi1>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// Compress lists the kept positions in a temporary buffer, then gathers through it.
// CHECK-LABEL: func.func @compress
// CHECK: %[[KEPT:.*]] = memref.alloc(%[[COUNT:.*]]) {alignment = 64 : i64} : memref<?xindex>
// CHECK: krnl.store %{{.*}}, %[[KEPT]]
// CHECK: %[[OUT:.*]] = memref.alloc(%[[COUNT]]) {alignment = 64 : i64} : memref<?x2xf32>
// CHECK: ^bb0(%[[I:arg[0-9]+]]: index, %[[J:arg[0-9]+]]: index):
// CHECK: %[[ROW:.*]] = krnl.load %[[KEPT]][%[[I]]]
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[ROW]], %[[J]]]
// CHECK: krnl.store %[[V]], %[[OUT]][%[[I]], %[[J]]]
// CHECK: memref.dealloc %[[KEPT]]
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<3xi1>) -> tensor<?x2xf32> {
  %0 = onnx.Compress %x, %c {axis = 0 : si64} : (tensor<3x2xf32>, tensor<3xi1>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// Unique without an axis, sorted: a scan for each element's first occurrence, the
// count of first occurrences sizes the results; an element's place is the number of
// unique values less than it; every element writes its unique value's slot.
// CHECK-LABEL: func.func @unique_sorted
// CHECK: %[[FIRST:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xindex>
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.cmpf olt
// CHECK: krnl.store %{{.*}}, %[[FIRST]]
// CHECK: %[[SLOT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xindex>
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.cmpi slt, %{{.*}}, %c0
// CHECK: krnl.store %{{.*}}, %[[SLOT]]
// CHECK: %[[Y:.*]] = memref.alloc(%[[U:.*]]) {alignment = 64 : i64} : memref<?xf32>
// CHECK: %[[IDX:.*]] = memref.alloc(%[[U]]) {alignment = 64 : i64} : memref<?xi64>
// CHECK: %[[INV:.*]] = memref.alloc() {alignment = 64 : i64} : memref<6xi64>
// CHECK: %[[CNT:.*]] = memref.alloc(%[[U]]) {alignment = 64 : i64} : memref<?xi64>
// CHECK: ^bb0(%[[I:.*]]: index):
// CHECK: %[[PLACE:.*]] = krnl.load %[[SLOT]][%[[I]]]
// CHECK: %[[FROM:.*]] = krnl.load %[[FIRST]][%[[I]]]
// CHECK: krnl.store %{{.*}}, %[[IDX]]
// CHECK: krnl.store %{{.*}}, %[[INV]]
// CHECK: arith.addi %{{.*}}, %c1_i64
// CHECK: krnl.store %{{.*}}, %[[CNT]]
// CHECK: %[[AT:.*]] = arith.remui %[[FROM]], %c6
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[AT]]]
// CHECK: krnl.store %[[V]], %[[Y]]
func.func @unique_sorted(%x: tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>) {
  %y, %i, %inv, %c = onnx.Unique %x : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
  return %y, %i, %inv, %c : tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>
}

// Unique along an axis, in order of first occurrence, Y only: slices compare element
// by element over the other dims; the place counts first occurrences before the
// item's own.
// CHECK-LABEL: func.func @unique_axis_unsorted
// CHECK: ^bb0(%[[I:.*]]: index):
// CHECK: krnl.iterate(%{{.*}}) from(%{{.*}}) to(%[[I]])
// CHECK: ^bb0(%[[J:.*]]: index):
// CHECK: ^bb0(%[[R:.*]]: index):
// CHECK-DAG: krnl.load %arg0[%[[R]], %[[J]]] : memref<2x5xi32>
// CHECK-DAG: krnl.load %arg0[%[[R]], %[[I]]] : memref<2x5xi32>
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xindex>
// CHECK: ^bb0(%[[I2:.*]]: index):
// CHECK: %[[FIRST:.*]] = krnl.load %{{.*}}[%[[I2]]] : memref<?xindex>
// CHECK: ^bb0(%[[J2:.*]]: index):
// CHECK: arith.cmpi slt, %[[J2]], %[[FIRST]] : index
// CHECK: %[[Y:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<2x?xi32>
// CHECK: %[[PLACE:.*]] = krnl.load %{{.*}} : memref<?xindex>
// CHECK: %[[FROM:.*]] = krnl.load %{{.*}} : memref<?xindex>
// CHECK: %[[TO:.*]] = arith.minsi %[[PLACE]]
// CHECK: ^bb0(%[[ROW:.*]]: index):
// CHECK: %[[V:.*]] = krnl.load %arg0[%[[ROW]], %[[FROM]]]
// CHECK: krnl.store %[[V]], %[[Y]][%[[ROW]], %[[TO]]]
func.func @unique_axis_unsorted(%x: tensor<2x5xi32>) -> tensor<2x?xi32> {
  %y, %i, %inv, %c = onnx.Unique %x {axis = -1 : si64, sorted = 0 : si64} : (tensor<2x5xi32>) -> (tensor<2x?xi32>, none, none, none)
  return %y : tensor<2x?xi32>
}

// CumSum with a run-time axis: the axis position and the previous element along it
// are picked with selects; exclusive adds the previous input element.
// CHECK-LABEL: func.func @cum_sum
// CHECK: %[[AXIS:.*]] = krnl.load %arg1[] : memref<i32>
// CHECK: krnl.iterate
// CHECK: arith.cmpi eq
// CHECK: %[[HAS:.*]] = arith.cmpi sgt
// CHECK: %[[SUM:.*]] = krnl.load %alloc[%[[P0:.*]], %[[P1:.*]]] : memref<2x3xf64>
// CHECK: %[[PREV:.*]] = krnl.load %arg0[%[[P0]], %[[P1]]] : memref<2x3xf64>
// CHECK: %[[ADD:.*]] = arith.addf %[[SUM]], %[[PREV]]
// CHECK: arith.select %[[HAS]], %[[ADD]]
func.func @cum_sum(%x: tensor<2x3xf64>, %a: tensor<i32>) -> tensor<2x3xf64> {
  %0 = onnx.CumSum %x, %a {exclusive = 1 : si64} : (tensor<2x3xf64>, tensor<i32>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// Einsum: a nest over every label (the result's first), multiplying the operands at
// those labels and adding into the result.
// CHECK-LABEL: func.func @einsum
// CHECK: krnl.store %cst
// CHECK: ^bb0(%[[B:arg[0-9]+]]: index, %[[I:arg[0-9]+]]: index, %[[K:arg[0-9]+]]: index, %[[J:arg[0-9]+]]: index):
// CHECK: %[[A:.*]] = krnl.load %arg0[%[[B]], %[[I]], %[[J]]]
// CHECK: %[[C:.*]] = krnl.load %arg1[%[[B]], %[[J]], %[[K]]]
// CHECK: %[[P:.*]] = arith.mulf %[[A]], %[[C]]
// CHECK: %[[ACC:.*]] = krnl.load %alloc[%[[B]], %[[I]], %[[K]]]
// CHECK: %[[S:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK: krnl.store %[[S]], %alloc[%[[B]], %[[I]], %[[K]]]
func.func @einsum(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> {
  %0 = onnx.Einsum %a, %b {equation = "bij, bjk -> bik"} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// A diagonal reads one label twice.
// CHECK-LABEL: func.func @einsum_diagonal
// CHECK: ^bb0(%[[B:arg[0-9]+]]: index, %[[I:arg[0-9]+]]: index):
// CHECK: krnl.load %arg0[%[[B]], %[[I]], %[[I]]]
func.func @einsum_diagonal(%a: tensor<3x5x5xf64>) -> tensor<3x5xf64> {
  %0 = onnx.Einsum %a {equation = "...ii ->...i"} : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}
