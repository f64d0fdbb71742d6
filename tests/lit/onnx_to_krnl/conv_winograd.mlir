// RUN: omc-opt %s --split-input-file --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A target whose matmul kernel reads panels of 32 columns and packs filters in groups of
// 8 rows. A 3x3 conv of stride 1 and pads 1 over 14 x 14 positions goes by Winograd
// F(2x2, 3x3): one constant of 16 blocks U_xi = G g G^T of 16 rows each, which for filters
// of ones are s_i * s_j with s = (1, 3/2, 1/2, 1) (little-endian floats: 1 = 0000803F,
// 3/2 = 0000C03F, 1/2 = 0000003F, 9/4 = 00001040); the input's planes by row and column
// parity (7 x 7 tiles, 8 lanes a tile row, 10 rows each); two chunks of 4 tile rows (32
// lanes, one panel) on threads, each with one serial product in a loop over the 16
// positions, its operands views of position xi's block.
module attributes {omc.target = {name = "t", vector_bits = 512 : i64, matmul_tiles = array<i64: 8, 32, 1024, 128, 512>}} {
// CHECK-LABEL: func.func @winograd
// CHECK: %[[U:.*]] = krnl.global "winograd_filters" {value = dense<"0x{{(0000803F){128}(0000C03F){128}(0000003F){128}(0000803F){128}(0000C03F){128}(00001040){128}[0-9A-F]}}
// CHECK-SAME: : memref<256x8xf32>
// CHECK: %[[PLANES:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x4x80xf32>
// CHECK: vector.maskedload %arg0
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [14, 1, 3, 5, 7, 9, 11, 13]
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: scf.for %[[CHUNK:.*]] = %c0 to %c2 step %c1
// CHECK: %[[V:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x1x8x32xf32>
// CHECK-COUNT-16: vector.load %[[PLANES]]
// CHECK-NOT: arith.negf
// CHECK-COUNT-16: vector.store %{{.*}}, %[[V]]
// CHECK: %[[M:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x16x40xf32>
// CHECK: scf.for %[[XI:.*]] = %c0 to %c16 step %c1
// CHECK: %[[UOFF:.*]] = arith.muli %[[XI]], %c128
// CHECK: %[[UXI:.*]] = memref.reinterpret_cast %[[U]] to offset: [%[[UOFF]]], sizes: [16, 8], strides: [8, 1]
// CHECK: %[[VXI:.*]] = memref.reinterpret_cast %[[V]] to offset: [%{{.*}}], sizes: [1, 8, 32], strides: [256, 32, 1]
// CHECK: %[[MXI:.*]] = memref.reinterpret_cast %[[M]] to offset: [%{{.*}}], sizes: [16, 32], strides: [40, 1]
// CHECK: krnl.matmul_panels %[[UXI]], %[[VXI]], %[[MXI]] {omc.serial}
// CHECK: %[[TILEROW:.*]] = arith.addi
// CHECK: arith.cmpi slt, %[[TILEROW]], %c7
// CHECK-COUNT-16: vector.load %[[M]]{{.*}} : memref<16x16x40xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14] : vector<8xf32>, vector<8xf32>
// CHECK: vector.store {{.*}} : memref<1x16x14x14xf32>, vector<14xf32>
// CHECK: } {omc.parallel}
func.func @winograd(%x: tensor<1x8x14x14xf32>, %b: tensor<16xf32>) -> tensor<1x16x14x14xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x8x3x3xf32>} : tensor<16x8x3x3xf32>
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1]} : (tensor<1x8x14x14xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x14x14xf32>
  return %0 : tensor<1x16x14x14xf32>
}
}

// -----

// 10 x 10 positions: 5 tile rows of 6 lanes fill one panel, a single chunk (no chunk loop)
// whose products share the threads themselves (no omc.serial) and whose buffers the
// function frees.
module attributes {omc.target = {name = "t", vector_bits = 512 : i64, matmul_tiles = array<i64: 8, 32, 1024, 128, 512>}} {
// CHECK-LABEL: func.func @winograd_one_chunk
// CHECK-NOT: omc.parallel
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c1
// CHECK: krnl.matmul_panels {{.*}} : memref<16x8xf32, strided<[8, 1], offset: ?>>, memref<1x8x32xf32, strided<[256, 32, 1], offset: ?>>, memref<16x32xf32, strided<[40, 1], offset: ?>>
// CHECK-NOT: krnl.matmul_panels
// CHECK-NOT: omc.serial
// CHECK: return
func.func @winograd_one_chunk(%x: tensor<1x8x10x10xf32>) -> tensor<1x16x10x10xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x8x3x3xf32>} : tensor<16x8x3x3xf32>
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>, none) -> tensor<1x16x10x10xf32>
  return %0 : tensor<1x16x10x10xf32>
}
}

// -----

// 28 x 28 positions: F(4x4, 3x3) does 36 products over 2 chunks of 4 tile rows (8 lanes
// each, one panel) where F(2x2) would do 16 over 7 panels. For filters of ones U is
// s_i * s_j with s = G's row sums (1/4, -1/2, -1/6, 7/24, 1/8, 1): its first blocks are
// 1/16 (0000803D) and -1/8 (000000BE); the planes split X by row and column modulo 4.
module attributes {omc.target = {name = "t", vector_bits = 512 : i64, matmul_tiles = array<i64: 8, 32, 1024, 128, 512>}} {
// CHECK-LABEL: func.func @winograd_4x4
// CHECK: krnl.global "winograd_filters" {value = dense<"0x{{(0000803D){128}(000000BE){128}[0-9A-F]}}
// CHECK-SAME: : memref<576x8xf32>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<8x16x80xf32>
// CHECK-COUNT-4: vector.shuffle
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK-COUNT-36: vector.load %{{.*}} : memref<8x16x80xf32>, vector<32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c36 step %c1
// CHECK: krnl.matmul_panels {{.*}} {omc.serial}
// CHECK: } {omc.parallel}
func.func @winograd_4x4(%x: tensor<1x8x28x28xf32>) -> tensor<1x16x28x28xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x8x3x3xf32>} : tensor<16x8x3x3xf32>
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x8x28x28xf32>, tensor<16x8x3x3xf32>, none) -> tensor<1x16x28x28xf32>
  return %0 : tensor<1x16x28x28xf32>
}
}

// -----

// Where Winograd would not pay or does not apply, the patches go to the panels as before:
// 7 x 7 positions (4 x 4 tiles: one panel of 32 lanes against two of 49 columns), a
// stride of 2, too few channels, and filters that are not constants.
module attributes {omc.target = {name = "t", vector_bits = 512 : i64, matmul_tiles = array<i64: 8, 32, 1024, 128, 512>}} {
// CHECK-LABEL: func.func @direct_small
// CHECK-NOT: winograd
// CHECK: krnl.matmul_panels
func.func @direct_small(%x: tensor<1x8x7x7xf32>) -> tensor<1x16x7x7xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x8x3x3xf32>} : tensor<16x8x3x3xf32>
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x8x7x7xf32>, tensor<16x8x3x3xf32>, none) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}
// CHECK-LABEL: func.func @direct_strided
// CHECK-NOT: winograd
// CHECK: krnl.matmul_panels
func.func @direct_strided(%x: tensor<1x8x28x28xf32>) -> tensor<1x16x14x14xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x8x3x3xf32>} : tensor<16x8x3x3xf32>
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x8x28x28xf32>, tensor<16x8x3x3xf32>, none) -> tensor<1x16x14x14xf32>
  return %0 : tensor<1x16x14x14xf32>
}
// CHECK-LABEL: func.func @direct_thin
// CHECK-NOT: winograd
// CHECK: krnl.matmul_panels
func.func @direct_thin(%x: tensor<1x4x14x14xf32>) -> tensor<1x16x14x14xf32> {
  %w = onnx.Constant {value = dense<1.0> : tensor<16x4x3x3xf32>} : tensor<16x4x3x3xf32>
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x4x14x14xf32>, tensor<16x4x3x3xf32>, none) -> tensor<1x16x14x14xf32>
  return %0 : tensor<1x16x14x14xf32>
}
// CHECK-LABEL: func.func @direct_filters_not_constant
// CHECK-NOT: winograd
// CHECK: krnl.matmul_panels
func.func @direct_filters_not_constant(%x: tensor<1x8x14x14xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x14x14xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x8x14x14xf32>, tensor<16x8x3x3xf32>, none) -> tensor<1x16x14x14xf32>
  return %0 : tensor<1x16x14x14xf32>
}
}
