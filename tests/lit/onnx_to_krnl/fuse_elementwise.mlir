// RUN: omc-opt %s --split-input-file --convert-onnx-to-krnl --canonicalize | FileCheck %s

// x * sigmoid(x) + b: the Sigmoid's nest and the Mul's (flat, over the 32 elements) fold
// into the Add's (4 x 8, b broadcast down the rows), which computes each element where it
// loaded it: one nest, one buffer, the flat producers indexed by i * 8 + j.
// CHECK-LABEL: func.func @silu_plus_bias
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8xf32>)
// CHECK: memref.reinterpret_cast %[[X]] to offset: [0], sizes: [32], strides: [1]
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x8xf32>
// CHECK-NOT: memref.alloc
// CHECK: krnl.iterate(%{{.*}}#0, %{{.*}}#1) from(%{{.*}}, %{{.*}}) to(%{{.*}}, %{{.*}}) {
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK: %[[ROW:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK: %[[AT:.*]] = arith.addi %[[ROW]], %[[J]] : index
// CHECK: krnl.load %{{.*}}[%[[AT]]] : memref<32xf32
// CHECK: krnl.load %{{.*}}[%[[AT]]] : memref<32xf32
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: krnl.load %[[B]][%[[J]]]
// CHECK: arith.addf
// CHECK: krnl.store %{{.*}}, %[[Y]][%[[I]], %[[J]]]
// CHECK-NOT: krnl.iterate
// CHECK: return %[[Y]]
func.func @silu_plus_bias(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> attributes {omc.input_names = ["x", "b"], omc.output_names = ["y"]} {
  %0 = onnx.Sigmoid %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = onnx.Mul %x, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = onnx.Add %1, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// Not fused: a buffer read twice (the Exp's, by the Add and by the Neg) is computed once;
// one broadcast by its reader (the Tanh's [1, 8] down 4 rows) is not recomputed per row;
// one that is a result stays; one read through a reshape (the Abs's, 2 x 16 as 4 x 8)
// keeps its producer.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-7: krnl.iterate
// CHECK-NOT: krnl.iterate
func.func @kept(%x: tensor<4x8xf32>, %r: tensor<1x8xf32>, %w: tensor<2x16xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) attributes {omc.input_names = ["x", "r", "w"], omc.output_names = ["a", "n", "e", "f"]} {
  %shape = onnx.Constant {value = dense<[4, 8]> : tensor<2xi64>} : tensor<2xi64>
  %abs = onnx.Abs %w : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %shaped = onnx.Reshape %abs, %shape : (tensor<2x16xf32>, tensor<2xi64>) -> tensor<4x8xf32>
  %f = onnx.Add %shaped, %r : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  %e = onnx.Exp %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = onnx.Tanh %r : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %a = onnx.Add %e, %t : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  %n = onnx.Neg %e : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = onnx.Sqrt %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %a, %n, %s, %f : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
