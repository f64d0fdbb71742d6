// RUN: omc-opt %s --split-input-file --convert-onnx-to-krnl --canonicalize | FileCheck %s

// f32, batch 1, group 1, 3x3 kernel, pads 1, stride 2: the input patches are gathered into
// col[c, kh, kw, oh, ow] at the loop variables themselves (zero in the padding), Y as
// [4, 9] starts at the bias, row by row, and one linalg.matmul of W as [4, 18] by col seen
// as [18, 9] accumulates into it.
// CHECK-LABEL: func.func @conv_pads_strides
// CHECK-SAME: (%[[X:.*]]: memref<1x2x5x5xf32>, %[[W:.*]]: memref<4x2x3x3xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x3x3xf32>
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [0], sizes: [4, 9], strides: [9, 1]
// CHECK: %[[COL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x3x3x3x3xf32>
// CHECK: ^bb0(%[[C:.*]]: index, %[[KH:.*]]: index, %[[KW:.*]]: index, %[[PH:.*]]: index, %[[PW:.*]]: index):
// CHECK: %[[XV:.*]] = krnl.load %[[X]][%c0, %[[C]], %{{.*}}, %{{.*}}]
// CHECK: %[[XZ:.*]] = arith.select %{{.*}}, %[[XV]], %cst
// CHECK: krnl.store %[[XZ]], %[[COL]][%[[C]], %[[KH]], %[[KW]], %[[PH]], %[[PW]]] : memref<2x3x3x3x3xf32>
// CHECK: %[[COLV:.*]] = memref.reinterpret_cast %[[COL]] to offset: [0], sizes: [18, 9], strides: [9, 1]
// CHECK: ^bb0(%[[M:.*]]: index, %[[N:.*]]: index):
// CHECK-NEXT: %[[BIAS:.*]] = krnl.load %[[B]][%[[M]]]
// CHECK-NEXT: krnl.store %[[BIAS]], %[[YV]][%[[M]], %[[N]]]
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [4, 18], strides: [18, 1]
// CHECK: linalg.matmul ins(%[[WV]], %[[COLV]] : memref<4x18xf32, strided<[18, 1]>>, memref<18x9xf32, strided<[9, 1]>>) outs(%[[YV]] : memref<4x9xf32, strided<[9, 1]>>)
func.func @conv_pads_strides(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x3xf32> {
  %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// A 1x1 kernel, unit strides, no padding: X itself is the [C, H * W] matrix, no copy;
// no bias starts Y at 0.
// CHECK-LABEL: func.func @conv_pointwise
// CHECK-SAME: (%[[X:.*]]: memref<1x3x4x5xf32>, %[[W:.*]]: memref<6x3x1x1xf32>)
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x6x4x5xf32>
// CHECK-NOT: memref.alloc
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [3, 20], strides: [20, 1]
// CHECK-NOT: memref.alloc
// CHECK: krnl.store %cst
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [6, 3], strides: [3, 1]
// CHECK: linalg.matmul ins(%[[WV]], %[[XV]] : {{.*}}) outs(%{{.*}} : memref<6x20xf32, strided<[20, 1]>>)
func.func @conv_pointwise(%x: tensor<1x3x4x5xf32>, %w: tensor<6x3x1x1xf32>) -> tensor<1x6x4x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none : (tensor<1x3x4x5xf32>, tensor<6x3x1x1xf32>, none) -> tensor<1x6x4x5xf32>
  return %0 : tensor<1x6x4x5xf32>
}

// -----

// Grouped convolutions keep the gather nest.
// CHECK-LABEL: func.func @conv_grouped
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 2 : si64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// A Conv with a folded Relu: the matmul carries the relu epilogue.
// CHECK-LABEL: func.func @conv_relu
// CHECK: linalg.matmul {omc.epilogue = "relu"}
func.func @conv_relu(%x: tensor<1x3x4x5xf32>, %w: tensor<6x3x1x1xf32>) -> tensor<1x6x4x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {omc.activation = "relu"} : (tensor<1x3x4x5xf32>, tensor<6x3x1x1xf32>, none) -> tensor<1x6x4x5xf32>
  return %0 : tensor<1x6x4x5xf32>
}

// -----

// Grouped, so not a matmul: the gather nest sums each element in a scalar and stores
// max(sum, 0).
// CHECK-LABEL: func.func @grouped_conv_relu
// CHECK-NOT: linalg.matmul
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<f32>
// CHECK: krnl.store %cst, %[[ACC]][]
// CHECK: arith.addf
// CHECK-NEXT: krnl.store %{{.*}}, %[[ACC]][]
// CHECK-NEXT: }
// CHECK-NEXT: %[[SUM:.*]] = krnl.load %[[ACC]][] : memref<f32>
// CHECK-NEXT: %[[RELU:.*]] = arith.maximumf %[[SUM]], %cst
// CHECK-NEXT: krnl.store %[[RELU]], %{{.*}} : memref<1x4x4x5xf32>
func.func @grouped_conv_relu(%x: tensor<1x4x4x5xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x4x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.Conv %x, %w, %none {group = 2 : si64, omc.activation = "relu"} : (tensor<1x4x4x5xf32>, tensor<4x2x1x1xf32>, none) -> tensor<1x4x4x5xf32>
  return %0 : tensor<1x4x4x5xf32>
}

// -----

// ConvAdd through the matmul: Y starts as the bias plus Z, and the relu epilogue applies to
// the whole sum.
// CHECK-LABEL: func.func @conv_add_pointwise
// CHECK-SAME: (%[[X:.*]]: memref<1x3x4x5xf32>, %[[W:.*]]: memref<6x3x1x1xf32>, %[[B:.*]]: memref<6xf32>, %[[Z:.*]]: memref<1x6x4x5xf32>)
// CHECK: %[[ZV:.*]] = memref.reinterpret_cast %[[Z]] to offset: [0], sizes: [6, 20], strides: [20, 1]
// CHECK: ^bb0(%[[M:.*]]: index, %[[N:.*]]: index):
// CHECK-NEXT: %[[BIAS:.*]] = krnl.load %[[B]][%[[M]]]
// CHECK-NEXT: %[[RES:.*]] = krnl.load %[[ZV]][%[[M]], %[[N]]]
// CHECK-NEXT: %[[START:.*]] = arith.addf %[[BIAS]], %[[RES]]
// CHECK-NEXT: krnl.store %[[START]]
// CHECK: linalg.matmul {omc.epilogue = "relu"}
func.func @conv_add_pointwise(%x: tensor<1x3x4x5xf32>, %w: tensor<6x3x1x1xf32>, %b: tensor<6xf32>, %z: tensor<1x6x4x5xf32>) -> tensor<1x6x4x5xf32> {
  %0 = onnx.ConvAdd %x, %w, %b, %z {omc.activation = "relu"} : (tensor<1x3x4x5xf32>, tensor<6x3x1x1xf32>, tensor<6xf32>, tensor<1x6x4x5xf32>) -> tensor<1x6x4x5xf32>
  return %0 : tensor<1x6x4x5xf32>
}

// -----

// ConvAdd that stays a gather nest (grouped): the nest stores the plain sum, then one pass
// adds Z and applies the relu.
// CHECK-LABEL: func.func @grouped_conv_add_relu
// CHECK-SAME: %[[Z:arg[0-9]+]]: memref<1x4x4x5xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: %[[OUT:.*]] = memref.alloc
// CHECK-NOT: arith.maximumf
// CHECK: krnl.store %{{.*}}, %[[OUT]]
// CHECK: }
// CHECK: %[[R:.*]] = krnl.load %[[Z]]
// CHECK-NEXT: %[[Y:.*]] = krnl.load %[[OUT]]
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[Y]], %[[R]]
// CHECK-NEXT: %[[RELU:.*]] = arith.maximumf %[[S]], %cst
// CHECK-NEXT: krnl.store %[[RELU]], %[[OUT]]
func.func @grouped_conv_add_relu(%x: tensor<1x4x4x5xf32>, %w: tensor<4x2x1x1xf32>, %z: tensor<1x4x4x5xf32>) -> tensor<1x4x4x5xf32> {
  %none = onnx.NoValue
  %0 = onnx.ConvAdd %x, %w, %none, %z {group = 2 : si64, omc.activation = "relu"} : (tensor<1x4x4x5xf32>, tensor<4x2x1x1xf32>, none, tensor<1x4x4x5xf32>) -> tensor<1x4x4x5xf32>
  return %0 : tensor<1x4x4x5xf32>
}

// -----

// A target whose matmul kernel reads panels of 8 columns (omc.target's matmul_tiles): the
// patches go straight into them. Per panel p and patch row (c, kh, kw), one gather of 8
// lanes, n = p * 8 + lane, masked to n < 9 and to the input (pads 1, stride 2), and one
// vector store of panel row (c * 3 + kh) * 3 + kw. The product reads the panels and starts
// from the bias: no nest fills Y first.
module attributes {omc.target = {name = "t", vector_bits = 256 : i64, matmul_tiles = array<i64: 2, 8, 16, 4, 16>}} {
  // CHECK-LABEL: func.func @conv_panels
  // CHECK-SAME: (%[[X:.*]]: memref<1x2x5x5xf32>, %{{.*}}: memref<4x2x3x3xf32>, %[[B:.*]]: memref<4xf32>)
  // CHECK-NOT: krnl.load %[[B]]
  // CHECK: %[[PANELS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x18x8xf32>
  // CHECK: ^bb0(%[[P:.*]]: index, %[[C:.*]]: index, %[[KH:.*]]: index, %[[KW:.*]]: index):
  // CHECK: %[[V:.*]] = vector.gather %[[X]][%c0, %c0, %c0, %c0] [%{{.*}}], %{{.*}}, %{{.*}} : memref<1x2x5x5xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  // CHECK: %[[ROW:.*]] = affine.apply #{{.*}}(%[[C]], %[[KH]], %[[KW]])
  // CHECK: vector.store %[[V]], %[[PANELS]][%[[P]], %[[ROW]], %c0] : memref<2x18x8xf32>, vector<8xf32>
  // CHECK-NOT: krnl.load %[[B]]
  // CHECK: krnl.matmul_panels %{{.*}}, %[[PANELS]], %{{.*}} bias(%[[B]] : memref<4xf32>) {omc.epilogue = "relu"} : memref<4x18xf32, strided<[18, 1]>>, memref<2x18x8xf32>, memref<4x9xf32, strided<[9, 1]>>
  // CHECK-NOT: linalg.matmul
  func.func @conv_panels(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x3xf32> {
    %0 = onnx.Conv %x, %w, %b {pads = [1, 1, 1, 1], strides = [2, 2], omc.activation = "relu"} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
    return %0 : tensor<1x4x3x3xf32>
  }

  // Pointwise with more than 8 panels (81 columns) but too few for 16 chunks: the matmul
  // packs X itself, each thread its own columns.
  // CHECK-LABEL: func.func @pointwise_wide
  // CHECK-NOT: krnl.matmul_panels
  // CHECK: linalg.matmul
  func.func @pointwise_wide(%x: tensor<1x2x9x9xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x9x9xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none : (tensor<1x2x9x9xf32>, tensor<4x2x1x1xf32>, none) -> tensor<1x4x9x9xf32>
    return %0 : tensor<1x4x9x9xf32>
  }

  // An X of 2^31 elements: the gathers' 32-bit offsets cannot reach it, so it keeps the copy.
  // CHECK-LABEL: func.func @huge_input
  // CHECK-NOT: vector.gather
  // CHECK: linalg.matmul
  func.func @huge_input(%x: tensor<1x1x65536x32768xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x65534x32766xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none : (tensor<1x1x65536x32768xf32>, tensor<1x1x3x3xf32>, none) -> tensor<1x1x65534x32766xf32>
    return %0 : tensor<1x1x65534x32766xf32>
  }

  // Stride 1 and OW = W (pads 1): the lanes of a panel row are consecutive in X, so one
  // masked load of X seen flat at ci * 25 + p * 8 + (kh - 1) * 5 + (kw - 1) fills it, the
  // gather kept for the loads that would start before X or end past it.
  // CHECK-LABEL: func.func @conv_same_panels
  // CHECK-SAME: (%[[X:.*]]: memref<1x2x5x5xf32>
  // CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [50], strides: [1]
  // CHECK: %[[INSIDE:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
  // CHECK: %[[V:.*]] = scf.if %[[INSIDE]] -> (vector<8xf32>) {
  // CHECK: %[[LOADED:.*]] = vector.maskedload %[[FLAT]][%{{.*}}], %{{.*}}, %{{.*}} : memref<50xf32, strided<[1]>>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  // CHECK: scf.yield %[[LOADED]]
  // CHECK: } else {
  // CHECK: %[[GATHERED:.*]] = vector.gather %[[X]]
  // CHECK: scf.yield %[[GATHERED]]
  // CHECK: vector.store %[[V]]
  func.func @conv_same_panels(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x5x5xf32>
    return %0 : tensor<1x4x5x5xf32>
  }

  // Stride 2 with OW = 8, one panel per output row: a panel row's lanes are the even
  // elements of 16 consecutive floats of X's row y * 2 + kh - 1, from column kw - 1 on.
  // Where that row lies in X, the lanes' columns in the row (kw - 1 from 0 to
  // 16 - 2 * 7 - 1 = 1) and the 16 floats in X (from at most 512 - 16), two plain loads
  // of X seen flat and their even lanes; otherwise (the pads) the gather.
  // CHECK-LABEL: func.func @conv_stride2_panels
  // CHECK-SAME: (%[[X:.*]]: memref<1x2x16x16xf32>
  // CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [512], strides: [1]
  // CHECK: arith.cmpi sle, %[[AT:.*]], %c496
  // CHECK: arith.cmpi slt, %[[COL:.*]], %c2
  // CHECK: arith.cmpi sge, %[[COL]], %c0
  // CHECK: %[[V:.*]] = scf.if %{{.*}} -> (vector<8xf32>) {
  // CHECK: %[[LOW:.*]] = vector.load %[[FLAT]][%[[AT]]] : memref<512xf32, strided<[1]>>, vector<8xf32>
  // CHECK: %[[HIGH:.*]] = vector.load %[[FLAT]]
  // CHECK: %[[EVEN:.*]] = vector.shuffle %[[LOW]], %[[HIGH]] [0, 2, 4, 6, 8, 10, 12, 14]
  // CHECK: scf.yield %[[EVEN]]
  // CHECK: } else {
  // CHECK: vector.gather %[[X]]
  // CHECK: vector.store %[[V]]
  func.func @conv_stride2_panels(%x: tensor<1x2x16x16xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x16x16xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    return %0 : tensor<1x4x8x8xf32>
  }

  // ConvAdd into panels: Z, seen as [4, 9], is the product's addend.
  // CHECK-LABEL: func.func @conv_add_panels
  // CHECK-SAME: %[[Z:arg[0-9]+]]: memref<1x4x3x3xf32>)
  // CHECK: %[[ZV:.*]] = memref.reinterpret_cast %[[Z]] to offset: [0], sizes: [4, 9], strides: [9, 1]
  // CHECK: krnl.matmul_panels %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : memref<4xf32>) addend(%[[ZV]] : memref<4x9xf32, strided<[9, 1]>>) {omc.epilogue = "relu"}
  func.func @conv_add_panels(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>, %z: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
    %0 = onnx.ConvAdd %x, %w, %b, %z {pads = [1, 1, 1, 1], strides = [2, 2], omc.activation = "relu"} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
    return %0 : tensor<1x4x3x3xf32>
  }

  // Pointwise with few panels (49 columns): panels.
  // CHECK-LABEL: func.func @pointwise_narrow
  // CHECK: memref<7x2x8xf32>
  // CHECK-NOT: krnl.store
  // CHECK: krnl.matmul_panels %{{.*}}, %{{.*}}, %{{.*}} : memref
  func.func @pointwise_narrow(%x: tensor<1x2x7x7xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x7x7xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none : (tensor<1x2x7x7xf32>, tensor<4x2x1x1xf32>, none) -> tensor<1x4x7x7xf32>
    return %0 : tensor<1x4x7x7xf32>
  }

  // Pointwise with 16 panels or more (256 columns, 32 panels): they go to the product 2 at
  // a time (16 chunks, enough for the threads), on an scf.for whose iterations are
  // independent (omc.parallel). Each chunk fills its own panels, then multiplies them
  // into its 16 columns of Y, seen at offset chunk * 16, the kernel in place (omc.serial);
  // the last chunk's columns are cut at N.
  // CHECK-LABEL: func.func @pointwise_chunks
  // CHECK-NOT: linalg.matmul
  // CHECK: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x16x16xf32>
  // CHECK: scf.for %[[CHUNK:.*]] = %c0 to %c16 step %c1 {
  // CHECK: %[[PANELS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x2x8xf32>
  // CHECK: %[[FIRST_PANEL:.*]] = arith.muli %[[CHUNK]], %c2
  // CHECK: vector.store %{{.*}}, %[[PANELS]]
  // CHECK: %[[FIRST:.*]] = arith.muli %[[CHUNK]], %c16
  // CHECK: %[[LEFT:.*]] = arith.subi %c256, %[[FIRST]]
  // CHECK: %[[WIDTH:.*]] = arith.minsi %[[LEFT]], %c16
  // CHECK: %[[COLUMNS:.*]] = memref.reinterpret_cast %[[Y]] to offset: [%[[FIRST]]], sizes: [4, %[[WIDTH]]], strides: [256, 1] : memref<1x4x16x16xf32> to memref<4x?xf32, strided<[256, 1], offset: ?>>
  // CHECK: krnl.matmul_panels %{{.*}}, %[[PANELS]], %[[COLUMNS]] {omc.serial} : memref<4x2xf32, strided<[2, 1]>>, memref<2x2x8xf32>, memref<4x?xf32, strided<[256, 1], offset: ?>>
  // CHECK: memref.dealloc %[[PANELS]]
  // CHECK: } {omc.parallel}
  func.func @pointwise_chunks(%x: tensor<1x2x16x16xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x16x16xf32> {
    %none = onnx.NoValue
    %0 = onnx.Conv %x, %w, %none : (tensor<1x2x16x16xf32>, tensor<4x2x1x1xf32>, none) -> tensor<1x4x16x16xf32>
    return %0 : tensor<1x4x16x16xf32>
  }

  // Patch panels of more than 1 MiB (67 panels of 576 rows: 1.2 MiB) go by chunks too, 4
  // panels each (67 / 16), 17 chunks; the residual's columns are the product's addend and
  // the activation its epilogue.
  // CHECK-LABEL: func.func @conv_add_chunks
  // CHECK-SAME: %[[Z:arg[0-9]+]]: memref<1x64x23x23xf32>)
  // CHECK: scf.for %[[CHUNK:.*]] = %c0 to %c17 step %c1 {
  // CHECK: memref.alloc() {alignment = 64 : i64} : memref<4x576x8xf32>
  // CHECK: %[[FIRST:.*]] = arith.muli %[[CHUNK]], %c32
  // CHECK: %[[ZC:.*]] = memref.reinterpret_cast %[[Z]] to offset: [%[[FIRST]]], sizes: [64, %{{.*}}], strides: [529, 1]
  // CHECK: krnl.matmul_panels %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : memref<64xf32>) addend(%[[ZC]] : memref<64x?xf32, strided<[529, 1], offset: ?>>) {omc.epilogue = "relu", omc.serial}
  // CHECK: } {omc.parallel}
  func.func @conv_add_chunks(%x: tensor<1x64x23x23xf32>, %w: tensor<64x64x3x3xf32>, %b: tensor<64xf32>, %z: tensor<1x64x23x23xf32>) -> tensor<1x64x23x23xf32> {
    %0 = onnx.ConvAdd %x, %w, %b, %z {pads = [1, 1, 1, 1], omc.activation = "relu"} : (tensor<1x64x23x23xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>, tensor<1x64x23x23xf32>) -> tensor<1x64x23x23xf32>
    return %0 : tensor<1x64x23x23xf32>
  }
}
