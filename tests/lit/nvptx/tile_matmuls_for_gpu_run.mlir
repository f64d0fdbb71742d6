// The phase form that omc-tile-matmuls-for-gpu makes, run sequentially on this CPU
// (upstream's lowering and mlir-runner), against upstream's loops for a
// linalg.generic with the same sums. The inputs are small integers, so every sum
// is exact in any order and the two must agree to the last bit: each case prints
// the largest |difference| (0), then the sum of |C| (to show that C is not trivial).
// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-tile-matmuls-for-gpu))' \
// RUN:   | /usr/lib/llvm-22/bin/mlir-opt --convert-linalg-to-loops --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_runner_utils.so \
// RUN:   | FileCheck %s

// Per case: the plain product, then relu over B transposed.
// 70x37 @ 37x45: one partial tile each way, K not a multiple of 16.
// CHECK:      0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// 130x64 @ 64x129: 3 x 3 tiles, the last ones of 2 and 1 rows or columns.
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// 1x1 @ 1x1.
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// K = 0: C keeps its values, then the epilogue.
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NEXT: 0
// CHECK-NEXT: {{[1-9][0-9.e+]*}}
// CHECK-NOT:  {{.}}

#a = affine_map<(i, j, k) -> (i, k)>
#b = affine_map<(i, j, k) -> (k, j)>
#bt = affine_map<(i, j, k) -> (j, k)>
#c = affine_map<(i, j, k) -> (i, j)>
#each = affine_map<(i, j) -> (i, j)>

func.func @tiled(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// B given as N x K and read through memref.transpose (a strided view), then relu.
func.func @tiled_relu_bt(%a: memref<?x?xf32>, %bt: memref<?x?xf32>, %c: memref<?x?xf32>) {
  %b = memref.transpose %bt (d0, d1) -> (d1, d0) : memref<?x?xf32> to memref<?x?xf32, strided<[1, ?]>>
  linalg.matmul {omc.epilogue = "relu"}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32, strided<[1, ?]>>) outs(%c : memref<?x?xf32>)
  return
}

func.func @reference(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %s: f32):
    %p = arith.mulf %x, %y : f32
    %t = arith.addf %s, %p : f32
    linalg.yield %t : f32
  }
  return
}

func.func @reference_relu_bt(%a: memref<?x?xf32>, %bt: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %bt : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %s: f32):
    %p = arith.mulf %x, %y : f32
    %t = arith.addf %s, %p : f32
    linalg.yield %t : f32
  }
  linalg.generic {indexing_maps = [#each], iterator_types = ["parallel", "parallel"]}
      outs(%c : memref<?x?xf32>) {
  ^bb0(%s: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// m[i, j] = (3i + j + seed) mod 7 - 3.
func.func @fill(%m: memref<?x?xf32>, %seed: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c7 = arith.constant 7 : index
  %rows = memref.dim %m, %c0 : memref<?x?xf32>
  %cols = memref.dim %m, %c1 : memref<?x?xf32>
  scf.for %i = %c0 to %rows step %c1 {
    scf.for %j = %c0 to %cols step %c1 {
      %i3 = arith.muli %i, %c3 : index
      %ij = arith.addi %i3, %j : index
      %s = arith.addi %ij, %seed : index
      %r = arith.remui %s, %c7 : index
      %v = arith.subi %r, %c3 : index
      %i64 = arith.index_cast %v : index to i64
      %f = arith.sitofp %i64 : i64 to f32
      memref.store %f, %m[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// Prints max |c - r| and the sum of |r|.
func.func @compare(%c: memref<?x?xf32>, %r: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %m = memref.dim %c, %c0 : memref<?x?xf32>
  %n = memref.dim %c, %c1 : memref<?x?xf32>
  %stats:2 = scf.for %i = %c0 to %m step %c1 iter_args(%d0 = %zero, %s0 = %zero) -> (f32, f32) {
    %row:2 = scf.for %j = %c0 to %n step %c1 iter_args(%d1 = %d0, %s1 = %s0) -> (f32, f32) {
      %x = memref.load %c[%i, %j] : memref<?x?xf32>
      %y = memref.load %r[%i, %j] : memref<?x?xf32>
      %diff = arith.subf %x, %y : f32
      %abs = math.absf %diff : f32
      %d2 = arith.maximumf %d1, %abs : f32
      %size = math.absf %y : f32
      %s2 = arith.addf %s1, %size : f32
      scf.yield %d2, %s2 : f32, f32
    }
    scf.yield %row#0, %row#1 : f32, f32
  }
  vector.print %stats#0 : f32
  vector.print %stats#1 : f32
  return
}

func.func @check(%m: index, %k: index, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %a = memref.alloc(%m, %k) : memref<?x?xf32>
  %b = memref.alloc(%k, %n) : memref<?x?xf32>
  %bt = memref.alloc(%n, %k) : memref<?x?xf32>
  %c = memref.alloc(%m, %n) : memref<?x?xf32>
  %r = memref.alloc(%m, %n) : memref<?x?xf32>
  func.call @fill(%a, %c0) : (memref<?x?xf32>, index) -> ()
  func.call @fill(%b, %c1) : (memref<?x?xf32>, index) -> ()
  func.call @fill(%bt, %c1) : (memref<?x?xf32>, index) -> ()

  func.call @fill(%c, %c2) : (memref<?x?xf32>, index) -> ()
  func.call @fill(%r, %c2) : (memref<?x?xf32>, index) -> ()
  func.call @tiled(%a, %b, %c) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @reference(%a, %b, %r) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @compare(%c, %r) : (memref<?x?xf32>, memref<?x?xf32>) -> ()

  func.call @fill(%c, %c2) : (memref<?x?xf32>, index) -> ()
  func.call @fill(%r, %c2) : (memref<?x?xf32>, index) -> ()
  func.call @tiled_relu_bt(%a, %bt, %c) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @reference_relu_bt(%a, %bt, %r) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  func.call @compare(%c, %r) : (memref<?x?xf32>, memref<?x?xf32>) -> ()

  memref.dealloc %a : memref<?x?xf32>
  memref.dealloc %b : memref<?x?xf32>
  memref.dealloc %bt : memref<?x?xf32>
  memref.dealloc %c : memref<?x?xf32>
  memref.dealloc %r : memref<?x?xf32>
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c37 = arith.constant 37 : index
  %c45 = arith.constant 45 : index
  %c64 = arith.constant 64 : index
  %c70 = arith.constant 70 : index
  %c129 = arith.constant 129 : index
  %c130 = arith.constant 130 : index
  func.call @check(%c70, %c37, %c45) : (index, index, index) -> ()
  func.call @check(%c130, %c64, %c129) : (index, index, index) -> ()
  func.call @check(%c1, %c1, %c1) : (index, index, index) -> ()
  func.call @check(%c70, %c0, %c45) : (index, index, index) -> ()
  return
}
