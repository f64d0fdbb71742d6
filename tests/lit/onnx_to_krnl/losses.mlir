// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Mean with weights and ignore_index: the class is clamped before it indexes the
// weight and the input, ignored samples weigh 0, and the loss sum is divided by the
// weight sum.
// CHECK-LABEL: func.func @nll_mean_weight_ii
// CHECK-SAME: (%[[X:.*]]: memref<3x5x2xf32>, %[[T:.*]]: memref<3x2xi64>, %[[W:.*]]: memref<5xf32>) -> memref<f32>
// CHECK: %[[LOSS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<f32>
// CHECK: %[[LSUM:.*]] = memref.alloca() : memref<f32>
// CHECK: %[[WSUM:.*]] = memref.alloca() : memref<f32>
// CHECK: krnl.iterate
// CHECK: ^bb0(%[[N:.*]]: index, %[[D:.*]]: index):
// CHECK: %[[CLASS:.*]] = krnl.load %[[T]][%[[N]], %[[D]]]
// CHECK: %[[IGNORED:.*]] = arith.cmpi eq, %[[CLASS]], %c1_i64
// CHECK: arith.maxsi
// CHECK: %[[C:.*]] = arith.minsi
// CHECK: %[[WC:.*]] = krnl.load %[[W]][%[[C]]]
// CHECK: %[[WEIGHT:.*]] = arith.select %[[IGNORED]], %{{.*}}, %[[WC]]
// CHECK: %[[LOGP:.*]] = krnl.load %[[X]][%[[N]], %[[C]], %[[D]]]
// CHECK: %[[PROD:.*]] = arith.mulf %[[WEIGHT]], %[[LOGP]]
// CHECK: arith.negf %[[PROD]]
// CHECK: arith.select %[[IGNORED]]
// CHECK: krnl.store %{{.*}}, %[[LSUM]][]
// CHECK: krnl.store %{{.*}}, %[[WSUM]][]
// CHECK: }
// CHECK: %[[S:.*]] = krnl.load %[[LSUM]][]
// CHECK: %[[SW:.*]] = krnl.load %[[WSUM]][]
// CHECK: %[[MEAN:.*]] = arith.divf %[[S]], %[[SW]]
// CHECK: krnl.store %[[MEAN]], %[[LOSS]][]
// CHECK: return %[[LOSS]]
func.func @nll_mean_weight_ii(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %0 = onnx.NegativeLogLikelihoodLoss %x, %t, %w {ignore_index = 1 : si64, reduction = "mean"} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// reduction none stores one loss per sample; int32 classes are sign-extended.
// CHECK-LABEL: func.func @nll_none
// CHECK: %[[LOSS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3xf32>
// CHECK: ^bb0(%[[N:.*]]: index):
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK-NOT: arith.select
// CHECK: arith.negf
// CHECK-NEXT: krnl.store %{{.*}}, %[[LOSS]][%[[N]]]
// CHECK: return %[[LOSS]]
func.func @nll_none(%x: tensor<3x5xf32>, %t: tensor<3xi32>) -> tensor<3xf32> {
  %none = onnx.NoValue
  %0 = onnx.NegativeLogLikelihoodLoss %x, %t, %none {reduction = "none"} : (tensor<3x5xf32>, tensor<3xi32>, none) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// SoftmaxCrossEntropyLoss writes log-softmax over the classes into its log_prob
// output, then gathers from it; both are returned.
// CHECK-LABEL: func.func @sce_sum_log_prob
// CHECK: %[[LOGPROB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x5xf32>
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log
// CHECK: krnl.store %{{.*}}, %[[LOGPROB]]
// CHECK: %[[LOSS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<f32>
// CHECK: krnl.load %[[LOGPROB]]
// CHECK-NOT: arith.divf
// CHECK: return %[[LOSS]], %[[LOGPROB]]
func.func @sce_sum_log_prob(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>) {
  %none = onnx.NoValue
  %0, %1 = onnx.SoftmaxCrossEntropyLoss %x, %t, %none {reduction = "sum"} : (tensor<3x5xf32>, tensor<3xi64>, none) -> (tensor<f32>, tensor<3x5xf32>)
  return %0, %1 : tensor<f32>, tensor<3x5xf32>
}

// Without log_prob the log-softmax goes to a scratch buffer, freed at the end.
// CHECK-LABEL: func.func @sce_no_log_prob
// CHECK: %[[SCRATCH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x4x3xf32>
// CHECK: %[[LOSS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
// CHECK: memref.dealloc %[[SCRATCH]]
// CHECK-NEXT: return %[[LOSS]]
func.func @sce_no_log_prob(%x: tensor<2x4x3xf32>, %t: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %none = onnx.NoValue
  %0, %1 = onnx.SoftmaxCrossEntropyLoss %x, %t, %none {reduction = "none"} : (tensor<2x4x3xf32>, tensor<2x3xi64>, none) -> (tensor<2x3xf32>, none)
  return %0 : tensor<2x3xf32>
}

// Det: per matrix, a scratch copy; for each column k the pivot search, the row swap
// (loops from k and k + 1, and a data-dependent row index) and the elimination
// below the pivot; the determinant multiplies the pivots, negated after a swap.
// CHECK-LABEL: func.func @det
// CHECK: %[[DET:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x3xf32>
// CHECK: %[[PIVOT:.*]] = memref.alloca() : memref<index>
// CHECK: ^bb0(%[[B:.*]]: index):
// CHECK: krnl.store %{{.*}}, %[[A]]
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK: %[[NEXT:.*]] = arith.addi %[[K]], %c1
// CHECK: math.absf
// CHECK: krnl.iterate(%{{.*}}) from(%[[NEXT]]) to(%c3{{.*}})
// CHECK: arith.cmpf ogt
// CHECK: }
// CHECK-NEXT: %[[P:.*]] = krnl.load %[[PIVOT]][]
// CHECK: krnl.iterate(%{{.*}}) from(%[[K]]) to(%c3{{.*}})
// CHECK: ^bb0(%[[J:.*]]: index):
// CHECK: krnl.load %[[A]][%[[P]], %[[J]]]
// CHECK: %[[PV:.*]] = krnl.load %[[A]][%[[K]], %[[K]]]
// CHECK: %[[SWAPPED:.*]] = arith.cmpi ne, %[[P]], %[[K]]
// CHECK: %[[NEG:.*]] = arith.negf %[[PV]]
// CHECK: arith.select %[[SWAPPED]], %[[NEG]], %[[PV]]
// CHECK: arith.mulf
// CHECK: arith.cmpf oeq, %[[PV]]
// CHECK: arith.divf %{{.*}}, %[[PV]]
// CHECK: arith.mulf
// CHECK: arith.subf
// CHECK: krnl.store %{{.*}}, %[[DET]][%[[B]]]
// CHECK: memref.dealloc %[[A]]
// CHECK-NEXT: return %[[DET]]
func.func @det(%x: tensor<4x3x3xf32>) -> tensor<4xf32> {
  %0 = onnx.Det %x : (tensor<4x3x3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// f16 computes in f32 and rounds the result.
// CHECK-LABEL: func.func @det_f16
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x2xf32>
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @det_f16(%x: tensor<2x2xf16>) -> tensor<f16> {
  %0 = onnx.Det %x : (tensor<2x2xf16>) -> tensor<f16>
  return %0 : tensor<f16>
}
