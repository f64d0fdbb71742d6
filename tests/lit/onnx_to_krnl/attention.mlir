// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Fused per query row, with dynamic M and N: one row of N scores in a scratch buffer
// sized from Kt's last dim, never the [M, N] matrix, allocated per row so that rows share
// no memory. Per row: the dot products, Kt's rows streamed along n (d outer, n inner, Kt
// indexed by the loop variables themselves), scaled, the mask selecting the masked
// value, and their max; exp(score - max) and its reassociable sum; then V's rows
// weighted by p / sum into the output row; the scratch freed. The mask, the same for
// every batch position, is first copied into bytes of [M, N], which the rows read (an i1
// buffer's elements are bits LLVM would gather one at a time).
// CHECK-LABEL: func.func @attention
// CHECK: %[[M:.*]] = memref.dim %arg0, %{{.*}} : memref<2x?x8xf32>
// CHECK: %[[N:.*]] = memref.dim %arg1, %{{.*}} : memref<2x8x?xf32>
// CHECK: %[[Y:.*]] = memref.alloc(%[[M]]) {{.*}} : memref<2x?x8xf32>
// CHECK: %[[SCALE:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[MV:.*]] = krnl.load %arg4[] : memref<f32>
// CHECK: %[[BYTES:.*]] = memref.alloc(%[[M]], %[[N]]) {{.*}} : memref<?x?xi8>
// CHECK: krnl.iterate
// CHECK: %[[BIT:.*]] = krnl.load %arg3[%{{.*}}, %{{.*}}] : memref<?x?xi1>
// CHECK: %[[BYTE:.*]] = arith.extui %[[BIT]] : i1 to i8
// CHECK: krnl.store %[[BYTE]], %[[BYTES]]
// The (batch, m) nest, and the row's scratch inside it.
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}) from(%{{.*}}, %{{.*}}) to(%{{.*}}, %[[M]])
// CHECK: %[[ROW:.*]] = memref.alloc(%[[N]]) {{.*}} : memref<?xf32>
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?xf32>
// Dot products: zeroed, then d outer, n inner.
// CHECK: krnl.iterate(%{{.*}}) from(%{{.*}}) to(%[[N]])
// CHECK: krnl.store %{{.*}}, %[[ROW]]
// CHECK: krnl.iterate
// CHECK: krnl.iterate(%{{.*}}) from(%{{.*}}) to(%[[N]])
// CHECK: krnl.load %arg1[%arg{{[0-9]+}}, %arg{{[0-9]+}}, %arg{{[0-9]+}}] : memref<2x8x?xf32>
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: krnl.store %{{.*}}, %[[ROW]]
// Scaled and masked, and the max.
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[STORED:.*]] = krnl.load %[[BYTES]][%{{.*}}, %{{.*}}] : memref<?x?xi8>
// CHECK: %[[KEEP:.*]] = arith.cmpi ne, %[[STORED]], %{{.*}} : i8
// CHECK: %[[MASKED:.*]] = arith.select %[[KEEP]], %[[SCALED]], %[[MV]] : f32
// CHECK: krnl.store %[[MASKED]], %[[ROW]]
// CHECK: arith.maximumf
// exp(score - max), summed.
// CHECK: krnl.iterate
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: krnl.store %{{.*}}, %[[ROW]]
// CHECK: arith.addf {{.*}} fastmath<reassoc>
// The weighted sum of V's rows, then the output row.
// CHECK: krnl.iterate
// CHECK: arith.divf
// CHECK: krnl.iterate
// CHECK: krnl.iterate
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: krnl.iterate
// CHECK: krnl.store %{{.*}}, %[[Y]]
// CHECK: memref.dealloc %[[ROW]]
// CHECK: memref.dealloc %[[OUT]]
func.func @attention(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>,
                     %mask: tensor<?x?xi1>, %mv: tensor<f32>) -> tensor<2x?x8xf32> {
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %mask, %mv {scale = 0.125 : f32} : (tensor<2x?x8xf32>, tensor<2x8x?xf32>, tensor<2x?x8xf32>, tensor<?x?xi1>, tensor<f32>) -> tensor<2x?x8xf32>
  return %0 : tensor<2x?x8xf32>
}

// Without a mask no select; the batch dims broadcast (Q [1, M, D] against Kt [3, D, N]):
// Q is read at batch index 0.
// CHECK-LABEL: func.func @attention_nomask
// CHECK-NOT: arith.select
// CHECK: memref.alloc() {{.*}} : memref<3x4x8xf32>
// CHECK: krnl.load %arg0[%c0{{[_0-9]*}}, %arg{{[0-9]+}}, %arg{{[0-9]+}}] : memref<1x4x8xf32>
// CHECK: math.exp
// CHECK: return
func.func @attention_nomask(%q: tensor<1x4x8xf32>, %kt: tensor<3x8x5xf32>, %v: tensor<3x5x8xf32>) -> tensor<3x4x8xf32> {
  %none = onnx.NoValue
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %none, %none : (tensor<1x4x8xf32>, tensor<3x8x5xf32>, tensor<3x5x8xf32>, none, none) -> tensor<3x4x8xf32>
  return %0 : tensor<3x4x8xf32>
}

// A mask of its own per batch position stays as it is: the rows read its bits.
// CHECK-LABEL: func.func @attention_batch_mask
// CHECK-NOT: xi8>
// CHECK: krnl.load %arg3[%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x?x?xi1>
// CHECK-NOT: xi8>
// CHECK: return
func.func @attention_batch_mask(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>,
                                %mask: tensor<2x?x?xi1>, %mv: tensor<f32>) -> tensor<2x?x8xf32> {
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %mask, %mv {scale = 0.125 : f32} : (tensor<2x?x8xf32>, tensor<2x8x?xf32>, tensor<2x?x8xf32>, tensor<2x?x?xi1>, tensor<f32>) -> tensor<2x?x8xf32>
  return %0 : tensor<2x?x8xf32>
}
