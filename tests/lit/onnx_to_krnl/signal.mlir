// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// DFT: a table of cos and sin of 2 pi m / n in f64, then per output bin a sum over the
// samples, the twiddle read at (j * k) mod n; a real input has no imaginary part to
// load; the f64 sums are truncated into the result.
// CHECK-LABEL: func.func @dft_real
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x10x10x2xf32>
// CHECK: %[[COS:.*]] = memref.alloc(%[[N:.*]]) {alignment = 64 : i64} : memref<?xf64>
// CHECK: %[[SIN:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?xf64>
// CHECK: krnl.iterate
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: ^bb0(%[[B:.*]]: index, %[[K:.*]]: index, %[[S:.*]]: index):
// CHECK: krnl.iterate
// CHECK: ^bb0(%[[J:.*]]: index):
// CHECK: %[[JK:.*]] = arith.muli %[[J]], %[[K]] : index
// CHECK: %[[M:.*]] = arith.remui %[[JK]], %[[N]] : index
// CHECK: krnl.load %[[COS]][%[[M]]]
// CHECK: krnl.load %[[SIN]][%[[M]]]
// CHECK: %[[X:.*]] = krnl.load %arg0[%[[B]], %[[J]], %[[S]], %c0{{.*}}] : memref<1x10x10x1xf32>
// CHECK: arith.extf %[[X]] : f32 to f64
// CHECK-NOT: krnl.load %arg0
// CHECK: arith.addf {{.*}} : f64
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: krnl.store %{{.*}}, %[[OUT]][%[[B]], %[[K]], %[[S]], %c0{{.*}}]
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: krnl.store %{{.*}}, %[[OUT]][%[[B]], %[[K]], %[[S]], %c1{{.*}}]
func.func @dft_real(%x: tensor<1x10x10x1xf32>) -> tensor<1x10x10x2xf32> {
  %none = onnx.NoValue
  %0 = onnx.DFT %x, %none {axis = 1 : si64} : (tensor<1x10x10x1xf32>, none) -> tensor<1x10x10x2xf32>
  return %0 : tensor<1x10x10x2xf32>
}

// An inverse DFT of a complex input with a dft_length read when the model runs: the
// samples past the input's end are zeros (the sum stops at min(n, 8)), the bins are
// divided by n.
// CHECK-LABEL: func.func @dft_inverse_length
// CHECK: %[[LEN:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: %[[N0:.*]] = arith.index_cast %[[LEN]] : i64 to index
// CHECK: %[[N:.*]] = arith.maxsi %[[N0]]
// CHECK: %[[OUT:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<2x?x2xf32>
// CHECK: %[[COUNT:.*]] = arith.minsi %[[N]], %c8
// CHECK: krnl.iterate
// CHECK: krnl.iterate(%{{.*}}) from(%{{.*}}) to(%[[COUNT]])
// CHECK: krnl.load %arg0[{{.*}}, %c0{{.*}}] : memref<2x8x2xf32>
// CHECK: krnl.load %arg0[{{.*}}, %c1{{.*}}] : memref<2x8x2xf32>
// CHECK: arith.subf {{.*}} : f64
// CHECK: arith.addf {{.*}} : f64
// CHECK: %[[NF:.*]] = arith.sitofp %{{.*}} : i64 to f64
// CHECK: arith.divf %{{.*}}, %[[NF]] : f64
// CHECK: arith.divf %{{.*}}, %[[NF]] : f64
func.func @dft_inverse_length(%x: tensor<2x8x2xf32>, %n: tensor<i64>) -> tensor<2x?x2xf32> {
  %0 = onnx.DFT %x, %n {axis = 1 : si64, inverse = 1 : si64} : (tensor<2x8x2xf32>, tensor<i64>) -> tensor<2x?x2xf32>
  return %0 : tensor<2x?x2xf32>
}

// onesided keeps n / 2 + 1 bins, and needs a real input.
// CHECK-LABEL: func.func @dft_onesided
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x5x2xf32>
func.func @dft_onesided(%x: tensor<1x8x1xf32>) -> tensor<1x5x2xf32> {
  %none = onnx.NoValue
  %0 = onnx.DFT %x, %none {onesided = 1 : si64} : (tensor<1x8x1xf32>, none) -> tensor<1x5x2xf32>
  return %0 : tensor<1x5x2xf32>
}

// STFT: frame f starts at f * frame_step; each sample is multiplied by the window
// (0 past its end) before the transform.
// CHECK-LABEL: func.func @stft_window
// CHECK: %[[STEP0:.*]] = krnl.load %arg1[] : memref<i64>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x15x9x2xf32>
// CHECK: ^bb0(%[[B:.*]]: index, %[[F:.*]]: index, %[[K:.*]]: index):
// CHECK: %[[START:.*]] = arith.muli %[[F]], %[[STEP:.*]] : index
// CHECK: ^bb0(%[[J:.*]]: index):
// CHECK: %[[POS0:.*]] = arith.addi %[[START]], %[[J]] : index
// CHECK: %[[POS:.*]] = arith.minsi %[[POS0]]
// CHECK: krnl.load %arg0[%[[B]], %[[POS]], %c0{{.*}}] : memref<1x128x1xf32>
// CHECK: %[[W:.*]] = krnl.load %arg2[
// CHECK: arith.cmpi slt, %[[J]], %c16
// CHECK: arith.mulf {{.*}} : f64
func.func @stft_window(%x: tensor<1x128x1xf32>, %step: tensor<i64>, %w: tensor<16xf32>) -> tensor<1x15x9x2xf32> {
  %none = onnx.NoValue
  %0 = onnx.STFT %x, %step, %w, %none : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>, none) -> tensor<1x15x9x2xf32>
  return %0 : tensor<1x15x9x2xf32>
}

// Without a static result, the frame count is (length - n) / step + 1, n the
// frame_length.
// CHECK-LABEL: func.func @stft_frame_length
// CHECK: %[[N:.*]] = arith.maxsi
// CHECK: %[[ROOM:.*]] = arith.subi %c128{{.*}}, %[[N]]
// CHECK: %[[ROOM2:.*]] = arith.select %{{.*}}, %[[ROOM]]
// CHECK: %[[Q:.*]] = arith.divui %[[ROOM2]], %{{.*}} : index
// CHECK: %[[FRAMES0:.*]] = arith.addi %[[Q]], %c1
// CHECK: %[[FRAMES:.*]] = arith.select %{{.*}}, %[[FRAMES0]]
// CHECK: memref.alloc(%[[FRAMES]], %{{.*}}) {alignment = 64 : i64} : memref<1x?x?x2xf32>
func.func @stft_frame_length(%x: tensor<1x128x1xf32>, %step: tensor<i64>, %n: tensor<i64>) -> tensor<1x?x?x2xf32> {
  %none = onnx.NoValue
  %0 = onnx.STFT %x, %step, %none, %n : (tensor<1x128x1xf32>, tensor<i64>, none, tensor<i64>) -> tensor<1x?x?x2xf32>
  return %0 : tensor<1x?x?x2xf32>
}

// A periodic Hann window of run-time size n: 0.5 - 0.5 cos(2 pi k / n), in f64.
// CHECK-LABEL: func.func @hann
// CHECK: %[[SIZE:.*]] = arith.maxsi
// CHECK: %[[OUT:.*]] = memref.alloc(%[[SIZE]]) {alignment = 64 : i64} : memref<?xf32>
// CHECK: %[[D:.*]] = arith.maxsi %[[SIZE]], %c1
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK: %[[ANGLE:.*]] = arith.divf
// CHECK: %[[COS:.*]] = math.cos %[[ANGLE]] : f64
// CHECK: %[[A1COS:.*]] = arith.mulf %cst{{.*}}, %[[COS]] : f64
// CHECK: %[[W:.*]] = arith.subf %cst{{.*}}, %[[A1COS]] : f64
// CHECK: %[[T:.*]] = arith.truncf %[[W]] : f64 to f32
// CHECK: krnl.store %[[T]], %[[OUT]][%[[K]]]
func.func @hann(%n: tensor<i32>) -> tensor<?xf32> {
  %0 = onnx.HannWindow %n : (tensor<i32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// A symmetric window divides by size - 1; Blackman adds the 4 pi term; an integer
// output_datatype truncates.
// CHECK-LABEL: func.func @blackman_symmetric_int
// CHECK: %[[D0:.*]] = arith.subi %c10, %c1
// CHECK: arith.maxsi %[[D0]], %c1
// CHECK: math.cos
// CHECK: arith.subf
// CHECK: math.cos
// CHECK: arith.addf
// CHECK: arith.fptosi %{{.*}} : f64 to i32
func.func @blackman_symmetric_int(%n: tensor<i64>) -> tensor<10xi32> {
  %0 = onnx.BlackmanWindow %n {output_datatype = 6 : si64, periodic = 0 : si64} : (tensor<i64>) -> tensor<10xi32>
  return %0 : tensor<10xi32>
}

// MelWeightMatrix: num_mel_bins + 2 edges turned into spectrogram bins, then each
// element picks the falling side, a point peak or the rising side of its triangle.
// CHECK-LABEL: func.func @mel
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<9x8xf32>
// CHECK: math.log10 %{{.*}} : f64
// CHECK: math.log10 %{{.*}} : f64
// CHECK: %[[EDGES:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xindex>
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.floor %{{.*}} : f64
// CHECK: krnl.store %{{.*}}, %[[EDGES]]
// CHECK: ^bb0(%[[J:.*]]: index, %[[I:.*]]: index):
// CHECK: %[[LEFT:.*]] = krnl.load %[[EDGES]][%[[I]]]
// CHECK: %[[CENTER:.*]] = krnl.load %[[EDGES]]
// CHECK: %[[RIGHT:.*]] = krnl.load %[[EDGES]]
// CHECK-DAG: arith.cmpi sge, %[[J]], %[[CENTER]]
// CHECK-DAG: arith.cmpi slt, %[[J]], %[[RIGHT]]
// CHECK: arith.cmpi eq, %[[LEFT]], %[[CENTER]]
// CHECK: krnl.store %{{.*}}, %[[OUT]][%[[J]], %[[I]]]
func.func @mel(%bins: tensor<i32>, %dft: tensor<i32>, %rate: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<9x8xf32> {
  %0 = onnx.MelWeightMatrix %bins, %dft, %rate, %lo, %hi : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<9x8xf32>
  return %0 : tensor<9x8xf32>
}
