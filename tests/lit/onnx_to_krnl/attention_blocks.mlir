// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// On a target with a matmul kernel (omc.target's matmul_tiles), f32 attention goes by
// blocks of 64 query rows: the block's scores [rows, N] = Q rows * Kt and then the block
// of Y = P * V are linalg.matmuls over row-major views (reinterpret_casts at the block's
// offset), run in place (omc.serial), the softmax runs
// over each row of scores between them, and Y's rows are written scaled by 1 / sum, under
// a guard that keeps their indices affine in the block's.
module attributes {omc.target = {name = "x86-avx512", matmul_tiles = array<i64: 8, 32, 1024, 128, 512>, vector_bits = 512 : i64}} {
// CHECK-LABEL: func.func @attention_blocks
// CHECK-SAME: (%[[Q:.*]]: memref<1x12x?x64xf32>, %[[KT:.*]]: memref<1x12x64x?xf32>, %[[V:.*]]: memref<1x12x?x64xf32>, %[[MASK:.*]]: memref<1x1x?x?xi1>
// CHECK: %[[BLOCKS:.*]] = arith.ceildivsi %{{.*}}, %c64
// CHECK: krnl.iterate(%{{.*}}, %{{.*}}, %{{.*}}) {{.*}} to(%{{.*}}, %{{.*}}, %[[BLOCKS]])
// CHECK: %[[FIRST:.*]] = arith.muli %{{.*}}, %c64
// CHECK: %[[ROWS:.*]] = arith.minsi %c64
// CHECK: %[[S:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<64x?xf32>
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<64x?xf32>
// CHECK: %[[INV:.*]] = memref.alloc() {{.*}} : memref<64xf32>
// CHECK: %[[SV:.*]] = memref.reinterpret_cast %[[S]] to offset: [%{{.*}}], sizes: [%[[ROWS]], %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[QV:.*]] = memref.reinterpret_cast %[[Q]] to offset: [%{{.*}}], sizes: [%[[ROWS]], %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: %[[KV:.*]] = memref.reinterpret_cast %[[KT]] to offset: [%{{.*}}], sizes: [%{{.*}}, %{{.*}}], strides: [%{{.*}}, 1]
// CHECK: linalg.matmul {omc.serial} ins(%[[QV]], %[[KV]] : {{.*}}) outs(%[[SV]] : {{.*}})
// CHECK: math.exp
// CHECK: krnl.store %{{.*}}, %[[INV]]
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [%{{.*}}], sizes: [%[[ROWS]], %{{.*}}]
// CHECK: %[[VV:.*]] = memref.reinterpret_cast %[[V]]
// CHECK: linalg.matmul {omc.serial} ins(%[[SV]], %[[VV]] : {{.*}}) outs(%[[OV]] : {{.*}})
// CHECK: scf.if
// CHECK: %[[ROW:.*]] = affine.apply
// CHECK: krnl.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %[[ROW]], %{{.*}}] : memref<1x12x?x64xf32>
// CHECK: memref.dealloc %[[S]]
func.func @attention_blocks(%q: tensor<1x12x?x64xf32>, %kt: tensor<1x12x64x?xf32>, %v: tensor<1x12x?x64xf32>,
                            %mask: tensor<1x1x?x?xi1>, %mv: tensor<f32>) -> tensor<1x12x?x64xf32> {
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %mask, %mv {scale = 0.125 : f32} : (tensor<1x12x?x64xf32>, tensor<1x12x64x?xf32>, tensor<1x12x?x64xf32>, tensor<1x1x?x?xi1>, tensor<f32>) -> tensor<1x12x?x64xf32>
  return %0 : tensor<1x12x?x64xf32>
}

// f16 keeps the per-row lowering (the kernel is f32's).
// CHECK-LABEL: func.func @attention_f16
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @attention_f16(%q: tensor<2x4x8xf16>, %kt: tensor<2x8x5xf16>, %v: tensor<2x5x8xf16>) -> tensor<2x4x8xf16> {
  %none = onnx.NoValue
  %0 = onnx.ScaledDotProductAttention %q, %kt, %v, %none, %none : (tensor<2x4x8xf16>, tensor<2x8x5xf16>, tensor<2x5x8xf16>, none, none) -> tensor<2x4x8xf16>
  return %0 : tensor<2x4x8xf16>
}
}
