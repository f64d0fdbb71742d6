// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Sequences are buffers of buffers; element ranks that ONNX left unknown come from the
// tensors inserted. SequenceInsert copies the elements before the position, then those
// after it one further on, then a copy of the tensor (which the sequence frees); the
// temporaries are freed element by element.
// CHECK-LABEL: func.func @insert_at
// CHECK: %[[EMPTY:.*]] = memref.alloc(%c0) {{.*}} : memref<?xmemref<?x?xf32>>
// CHECK: %[[N:.*]] = memref.dim %[[EMPTY]]
// CHECK: %[[N1:.*]] = arith.addi %[[N]], %c1
// CHECK: %[[S1:.*]] = memref.alloc(%[[N1]]) {{.*}} : memref<?xmemref<?x?xf32>>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]]
// CHECK:   %[[E:.*]] = memref.load %[[EMPTY]][%[[I]]]
// CHECK:   %[[C:.*]] = memref.alloc(%{{.*}}, %{{.*}}) {{.*}} : memref<?x?xf32>
// CHECK:   memref.copy %[[E]], %[[C]]
// CHECK:   memref.store %[[C]], %[[S1]][%[[I]]]
// CHECK: scf.for %[[J:.*]] = %[[N]] to %[[N]]
// CHECK:   arith.addi %[[J]], %c1
// CHECK: %[[T:.*]] = memref.alloc(%c2, %c3) {{.*}}omc.owned_by_sequence{{.*}} : memref<?x?xf32>
// CHECK: memref.copy %arg0, %[[T]] : memref<2x3xf32> to memref<?x?xf32>
// CHECK: memref.store %[[T]], %[[S1]][%[[N]]]
// The position: counted from the back when negative, clamped into [0, n].
// CHECK: krnl.load %arg2[] : memref<i64>
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: %[[S2:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?xmemref<?x?xf32>>
// SequenceAt: a copy of the element, in the result's type.
// CHECK: %[[AT:.*]] = memref.load %[[S2]][%{{.*}}] : memref<?xmemref<?x?xf32>>
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x3xf32>
// CHECK: memref.copy %[[AT]], %[[OUT]] : memref<?x?xf32> to memref<?x3xf32>
// CHECK: scf.for
// CHECK:   %[[DEAD:.*]] = memref.load %[[EMPTY]]
// CHECK:   memref.dealloc %[[DEAD]] : memref<?x?xf32>
// CHECK: memref.dealloc %[[EMPTY]] : memref<?xmemref<?x?xf32>>
// CHECK: memref.dealloc %[[S1]]
// CHECK: memref.dealloc %[[S2]]
// CHECK: return %[[OUT]] : memref<?x3xf32>
func.func @insert_at(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>, %p: tensor<i64>) -> tensor<?x3xf32> {
  %none = onnx.NoValue
  %0 = onnx.SequenceEmpty : () -> !onnx.seq<tensor<*xf32>>
  %1 = onnx.SequenceInsert %0, %a, %none : (!onnx.seq<tensor<*xf32>>, tensor<2x3xf32>, none) -> !onnx.seq<tensor<*xf32>>
  %2 = onnx.SequenceInsert %1, %b, %p : (!onnx.seq<tensor<*xf32>>, tensor<1x3xf32>, tensor<i64>) -> !onnx.seq<tensor<*xf32>>
  %3 = onnx.SequenceAt %2, %p : (!onnx.seq<tensor<*xf32>>, tensor<i64>) -> tensor<?x3xf32>
  return %3 : tensor<?x3xf32>
}

// SequenceConstruct copies each input; SequenceLength is the outer dim.
// CHECK-LABEL: func.func @construct_length
// CHECK: %[[S:.*]] = memref.alloc(%c2) {{.*}} : memref<?xmemref<?xi64>>
// CHECK: %[[A:.*]] = memref.alloc(%c4) {{.*}}omc.owned_by_sequence{{.*}} : memref<?xi64>
// CHECK: memref.copy %arg0, %[[A]]
// CHECK: memref.store %[[A]], %[[S]][%c0]
// CHECK: %[[B:.*]] = memref.alloc(%{{.*}}) {{.*}}omc.owned_by_sequence{{.*}} : memref<?xi64>
// CHECK: memref.store %[[B]], %[[S]][%c1]
// CHECK: %[[N:.*]] = memref.dim %[[S]], %{{.*}} : memref<?xmemref<?xi64>>
// CHECK: %[[L:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: krnl.store %[[L]], %{{.*}}[] : memref<i64>
func.func @construct_length(%a: tensor<4xi64>, %b: tensor<2xi64>) -> tensor<i64> {
  %0 = onnx.SequenceConstruct %a, %b : (tensor<4xi64>, tensor<2xi64>) -> !onnx.seq<tensor<?xi64>>
  %1 = onnx.SequenceLength %0 : (!onnx.seq<tensor<?xi64>>) -> tensor<i64>
  return %1 : tensor<i64>
}

// SplitToSequence with a scalar split: ceil(6 / split) parts, each a copy of its rows;
// ConcatFromSequence sums the parts' dims, then copies each at its offset.
// CHECK-LABEL: func.func @split_concat
// CHECK: %[[CHUNK:.*]] = arith.maxsi %{{.*}}, %c1
// CHECK: %[[COUNT:.*]] = arith.ceildivsi %{{.*}}, %[[CHUNK]] : index
// CHECK: %[[S:.*]] = memref.alloc(%[[COUNT]]) {{.*}} : memref<?xmemref<?x?xf32>>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args(%[[START:.*]] = %{{.*}}) -> (index)
// CHECK:   %[[PART:.*]] = memref.alloc(%{{.*}}, %{{.*}}) {{.*}} : memref<?x?xf32>
// CHECK:   krnl.iterate
// CHECK:     arith.addi %{{.*}}, %[[START]]
// CHECK:   memref.store %[[PART]], %[[S]][%[[I]]]
// CHECK:   scf.yield
// CHECK: scf.if
// CHECK: scf.for {{.*}} iter_args
// CHECK:   memref.dim
// CHECK: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<6x4xf32>
// CHECK: scf.for {{.*}} iter_args(%[[OFF:.*]] = %{{.*}}) -> (index)
// CHECK:   krnl.iterate
// CHECK:     arith.addi %{{.*}}, %[[OFF]]
// CHECK:     krnl.store %{{.*}}, %[[OUT]]
// CHECK: return %[[OUT]]
func.func @split_concat(%x: tensor<6x4xf32>, %s: tensor<i64>) -> tensor<6x4xf32> {
  %0 = onnx.SplitToSequence %x, %s {axis = 0 : si64} : (tensor<6x4xf32>, tensor<i64>) -> !onnx.seq<tensor<*xf32>>
  %1 = onnx.ConcatFromSequence %0 {axis = 0 : si64} : (!onnx.seq<tensor<*xf32>>) -> tensor<6x4xf32>
  return %1 : tensor<6x4xf32>
}

// An optional is a buffer of 0 or 1 elements.
// CHECK-LABEL: func.func @optional
// CHECK: %[[O:.*]] = memref.alloc(%c1) {{.*}} : memref<?xmemref<?xf32>>
// CHECK: %[[X:.*]] = memref.alloc(%{{.*}}) {{.*}}omc.owned_by_sequence{{.*}} : memref<?xf32>
// CHECK: memref.store %[[X]], %[[O]][%{{.*}}]
// CHECK: %[[N:.*]] = memref.dim %[[O]]
// CHECK: %[[HAS:.*]] = arith.cmpi sgt, %[[N]], %{{.*}} : index
// CHECK: krnl.store %[[HAS]], %{{.*}}[] : memref<i1>
// CHECK: %[[E:.*]] = memref.load %[[O]][%{{.*}}] : memref<?xmemref<?xf32>>
// CHECK: %[[GOT:.*]] = memref.alloc() {{.*}} : memref<4xf32>
// CHECK: memref.copy %[[E]], %[[GOT]] : memref<?xf32> to memref<4xf32>
func.func @optional(%x: tensor<4xf32>) -> (tensor<i1>, tensor<4xf32>) {
  %0 = onnx.Optional %x : (tensor<4xf32>) -> !onnx.opt<tensor<4xf32>>
  %1 = onnx.OptionalHasElement %0 : (!onnx.opt<tensor<4xf32>>) -> tensor<i1>
  %2 = onnx.OptionalGetElement %0 : (!onnx.opt<tensor<4xf32>>) -> tensor<4xf32>
  return %1, %2 : tensor<i1>, tensor<4xf32>
}

// SequenceMap: a loop over the elements of the first input; the body sees element i
// and what it yields becomes element i of the output.
// CHECK-LABEL: func.func @map_add
// CHECK: %[[N:.*]] = memref.dim %arg0, %{{.*}} : memref<?xmemref<?xf32>>
// CHECK: %[[OUT:.*]] = memref.alloc(%[[N]]) {{.*}} : memref<?xmemref<?xf32>>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]]
// CHECK:   %[[E:.*]] = memref.load %arg0[%[[I]]]
// CHECK:   %[[R:.*]] = scf.execute_region -> memref<?xf32>
// CHECK:     arith.addf
// CHECK:     scf.yield
// CHECK:   memref.store %[[R]], %[[OUT]][%[[I]]]
// CHECK: return %[[OUT]]
func.func @map_add(%s: !onnx.seq<tensor<?xf32>>, %t: tensor<?xf32>) -> !onnx.seq<tensor<?xf32>> {
  %0 = "onnx.SequenceMap"(%s, %t) ({
  ^bb0(%e: tensor<?xf32>, %x: tensor<?xf32>):
    %1 = onnx.Add %e, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
    onnx.Yield %1 : tensor<?xf32>
  }) : (!onnx.seq<tensor<?xf32>>, tensor<?xf32>) -> !onnx.seq<tensor<?xf32>>
  return %0 : !onnx.seq<tensor<?xf32>>
}
