// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// f32 matrices: the result is zero-filled, then linalg.matmul accumulates into it, for the
// target's code generation to tile and vectorize.
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<3x4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[Y]] : memref<2x4xf32>)
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : memref<2x3xf32>, memref<3x4xf32>) outs(%[[Y]] : memref<2x4xf32>)
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Batched A, shared B: A's batch folds into M through row-major views.
// CHECK-LABEL: func.func @matmul_batched
// CHECK: %[[AV:.*]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [10, 3], strides: [3, 1]
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [10, 4], strides: [4, 1]
// CHECK: linalg.matmul ins(%[[AV]], %arg1 : memref<10x3xf32, strided<[3, 1]>>, memref<3x4xf32>) outs(%[[YV]] : memref<10x4xf32, strided<[4, 1]>>)
func.func @matmul_batched(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// Equal stacks: one linalg.batch_matmul over the flattened batch.
// CHECK-LABEL: func.func @matmul_stacks
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : memref<6x2x3xf32, strided<[6, 3, 1]>>, memref<6x3x4xf32, strided<[12, 4, 1]>>) outs(%{{.*}} : memref<6x2x4xf32, strided<[8, 4, 1]>>)
func.func @matmul_stacks(%a: tensor<2x3x2x3xf32>, %b: tensor<2x3x3x4xf32>) -> tensor<2x3x2x4xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<2x3x2x3xf32>, tensor<2x3x3x4xf32>) -> tensor<2x3x2x4xf32>
  return %0 : tensor<2x3x2x4xf32>
}

// Other element types keep the scalar nest: each result element is zeroed, then
// accumulates A[i,k] * B[k,j] over k.
// CHECK-LABEL: func.func @matmul_f64
// CHECK-SAME: (%[[A:.*]]: memref<2x3xf64>, %[[B:.*]]: memref<3x4xf64>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4xf64>
// CHECK: krnl.iterate(%{{.*}}#0, %{{.*}}#1) from(%c0, %c0) to(%c2, %c4)
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: krnl.store %cst, %[[Y]][%[[I]], %[[J]]]
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c3)
// CHECK-NEXT: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: %[[L:.*]] = krnl.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT: %[[R:.*]] = krnl.load %[[B]][%[[K]], %[[J]]]
// CHECK-NEXT: %[[ACC:.*]] = krnl.load %[[Y]][%[[I]], %[[J]]]
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[L]], %[[R]]
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK-NEXT: krnl.store %[[S]], %[[Y]][%[[I]], %[[J]]]
func.func @matmul_f64(%a: tensor<2x3xf64>, %b: tensor<3x4xf64>) -> tensor<2x4xf64> {
  %0 = onnx.MatMul %a, %b : (tensor<2x3xf64>, tensor<3x4xf64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// Broadcast stacks keep the scalar nest too: B's batch of 1 is indexed at 0.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK-NOT: linalg.
// CHECK: ^bb0(%[[BATCH:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: krnl.load %{{.*}}[%[[BATCH]], %[[I]], %[[K]]] : memref<5x2x3xf32>
// CHECK-NEXT: krnl.load %{{.*}}[%{{.*}}, %[[K]], %[[J]]] : memref<1x3x4xf32>
func.func @matmul_broadcast(%a: tensor<5x2x3xf32>, %b: tensor<1x3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<5x2x3xf32>, tensor<1x3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// A matrix times a vector: no N loop.
// CHECK-LABEL: func.func @matvec
// CHECK: krnl.iterate(%{{.*}}) from(%c0) to(%c2)
// CHECK: krnl.load %{{.*}}[%{{.*}}] : memref<3xf32>
func.func @matvec(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  %0 = onnx.MatMul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// MatMulInteger: uint8 A zero-extends and int8 B sign-extends to int32, each minus its
// zero point (A's one per row, B's a scalar) before the multiply-add.
// CHECK-LABEL: func.func @matmul_integer
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK: %[[A:.*]] = krnl.load %arg0
// CHECK: %[[B:.*]] = krnl.load %arg1
// CHECK: %[[AW:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK: krnl.load %arg2
// CHECK: %[[AZ:.*]] = arith.subi %[[AW]]
// CHECK: %[[BW:.*]] = arith.extsi %[[B]] : i8 to i32
// CHECK: %[[BZP:.*]] = krnl.load %arg3[] : memref<i8>
// CHECK: arith.extsi %[[BZP]] : i8 to i32
// CHECK: %[[BZ:.*]] = arith.subi %[[BW]]
// CHECK: arith.muli %[[AZ]], %[[BZ]] : i32
// CHECK: arith.addi
func.func @matmul_integer(%a: tensor<2x3xui8>, %b: tensor<3x4xi8>, %az: tensor<2xui8>, %bz: tensor<i8>) -> tensor<2x4xi32> {
  %0 = onnx.MatMulInteger %a, %b, %az, %bz : (tensor<2x3xui8>, tensor<3x4xi8>, tensor<2xui8>, tensor<i8>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}
