// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-tile-matmuls-for-gpu))' | FileCheck %s

// C's 64x64 tiles over blocks (x over the columns); in each, the slices of A
// (16 x 64, one float of padding) and B (16 x 64), each thread's 4x4 tile of C; then
// the phases over 256 threads: zero the tile; per 16 of K, stage the slices, then
// 16 rank-1 updates (fmas); last, add the tile to C and apply the epilogue.
// CHECK-LABEL: func.func @relu
// CHECK:         scf.parallel (%[[BM:.*]], %[[BN:.*]]) =
// CHECK-DAG:       memref.alloca() : memref<16x65xf32>
// CHECK-DAG:       memref.alloca() : memref<16x64xf32>
// CHECK-DAG:       %[[TILE:.*]] = memref.alloca() : memref<256x16xf32>
// CHECK:           scf.parallel (%[[T0:.*]]) = (%{{.*}}) to (%c256{{.*}}) step
// CHECK-COUNT-16:    memref.store %{{.*}}, %[[TILE]][%[[T0]], %{{.*}}]
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16
// CHECK:             scf.parallel
// CHECK-COUNT-8:       scf.if
// CHECK:             } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:             scf.parallel (%[[T1:.*]]) =
// CHECK-COUNT-16:      memref.load %[[TILE]][%[[T1]], %{{.*}}]
// CHECK-COUNT-256:     arith.addf {{.*}} fastmath<contract>
// CHECK-COUNT-16:      memref.store %{{.*}}, %[[TILE]][%[[T1]], %{{.*}}]
// CHECK:             } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK:           scf.parallel
// CHECK:             scf.if
// CHECK:               memref.load %arg2
// CHECK:               arith.addf
// CHECK:               arith.maximumf
// CHECK:               memref.store %{{.*}}, %arg2
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]}
// CHECK-NOT:     linalg.matmul
func.func @relu(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul {omc.epilogue = "relu"} ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// Left to the loops that lower linalg: other element types, matmuls inside loops
// (mapped with the loops around them), epilogues this pass does not know.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:     scf.parallel
// CHECK:         linalg.matmul ins({{.*}} : memref<8x8xf16>, memref<8x8xf16>)
// CHECK:         scf.for
// CHECK-NEXT:      linalg.matmul
// CHECK:         linalg.matmul {omc.epilogue = "gelu"}
func.func @untouched(%h: memref<8x8xf16>, %a: memref<8x8xf32>, %c: memref<8x8xf32>) {
  linalg.matmul ins(%h, %h : memref<8x8xf16>, memref<8x8xf16>) outs(%h : memref<8x8xf16>)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    linalg.matmul ins(%a, %a : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  }
  linalg.matmul {omc.epilogue = "gelu"} ins(%a, %a : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  return
}
