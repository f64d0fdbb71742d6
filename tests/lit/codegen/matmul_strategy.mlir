// RUN: omc-opt %s --split-input-file --omc-matmul-strategy | FileCheck %s

// The configuration comes from omc.target alone: 512-bit vectors are 16 f32 lanes, the
// 32-column register tile is 2 vectors, block_n rounds down to whole tiles (1000 -> 992).
// f64 gets none.
module attributes {omc.target = {name = "x86-avx512", vector_bits = 512 : i64, matmul_tiles = array<i64: 8, 32, 256, 128, 1000>}} {
  // CHECK-LABEL: func.func @f32
  // CHECK: linalg.matmul {omc.matmul_config = {block_k = 256 : i64, block_m = 128 : i64, block_n = 992 : i64, register_rows = 8 : i64, register_vectors = 2 : i64, vector_width = 16 : i64}}
  func.func @f32(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %c: memref<64x48xf32>) {
    linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>)
    return
  }
  // CHECK-LABEL: func.func @batched
  // CHECK: linalg.batch_matmul {omc.matmul_config = {{.*}}vector_width = 16
  func.func @batched(%a: memref<3x4x5xf32>, %b: memref<3x5x6xf32>, %c: memref<3x4x6xf32>) {
    linalg.batch_matmul ins(%a, %b : memref<3x4x5xf32>, memref<3x5x6xf32>) outs(%c : memref<3x4x6xf32>)
    return
  }
  // Panels as wide as the register tile get its configuration; others stay with the loops.
  // CHECK-LABEL: func.func @panels
  // CHECK: krnl.matmul_panels %{{.*}} {omc.matmul_config = {{.*}}vector_width = 16
  // CHECK-NEXT: krnl.matmul_panels %{{.*}} :
  func.func @panels(%a: memref<4x8xf32>, %p: memref<1x8x32xf32>, %q: memref<2x8x16xf32>,
                    %c: memref<4x32xf32>) {
    krnl.matmul_panels %a, %p, %c : memref<4x8xf32>, memref<1x8x32xf32>, memref<4x32xf32>
    krnl.matmul_panels %a, %q, %c : memref<4x8xf32>, memref<2x8x16xf32>, memref<4x32xf32>
    return
  }
  // CHECK-LABEL: func.func @f64
  // CHECK-NOT: omc.matmul_config
  func.func @f64(%a: memref<4x3xf64>, %b: memref<3x5xf64>, %c: memref<4x5xf64>) {
    linalg.matmul ins(%a, %b : memref<4x3xf64>, memref<3x5xf64>) outs(%c : memref<4x5xf64>)
    return
  }
}

// -----

// 256-bit vectors: 8 lanes, a 6 x 16 tile is 2 vectors per row.
module attributes {omc.target = {name = "x86-avx2", vector_bits = 256 : i64, matmul_tiles = array<i64: 6, 16, 256, 72, 512>}} {
  // CHECK-LABEL: func.func @avx2
  // CHECK: omc.matmul_config = {block_k = 256 : i64, block_m = 72 : i64, block_n = 512 : i64, register_rows = 6 : i64, register_vectors = 2 : i64, vector_width = 8 : i64}
  func.func @avx2(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
    linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
    return
  }
}

// -----

// No target attribute: nothing chosen, the generic lowering stays.
// CHECK-LABEL: func.func @no_target
// CHECK-NOT: omc.matmul_config
func.func @no_target(%a: memref<4x3xf32>, %b: memref<3x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x3xf32>, memref<3x5xf32>) outs(%c : memref<4x5xf32>)
  return
}
