// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Bigrams with skips 0..5 over a 1-D row: the pool and the column map become constant
// buffers; the counting nest runs skips x start positions x pool bigrams, reads each token
// at start + j * (skip + 1) (clamped to the row, a position past the end never matches)
// and adds 1 to the bigram's output column.
// CHECK-LABEL: func.func @tf_bigrams_skip5
// CHECK: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<7xf32>
// CHECK: krnl.iterate
// CHECK: krnl.store %{{.*}}, %[[OUT]]
// CHECK: %[[POOL:.*]] = krnl.global "tfidf_pool" {value = dense<[2, 3, 5, 4, 5, 6, 7, 8, 6, 7]> : tensor<10xi64>} : memref<10xi64>
// CHECK: %[[IDX:.*]] = krnl.global "tfidf_ngram_indexes" {{.*}} : memref<7xi64>
// CHECK: krnl.iterate({{.*}}) from({{.*}}) to(%c6, %c12, %c3) {
// CHECK: ^bb0(%[[SKIP:.*]]: index, %[[START:.*]]: index, %[[K:.*]]: index):
// CHECK: %[[D:.*]] = arith.addi %[[SKIP]], %c1
// CHECK: %[[K2:.*]] = arith.muli %[[K]], %c2
// CHECK: %[[BASE:.*]] = arith.addi %c4, %[[K2]]
// CHECK: arith.muli %[[D]], %c0
// CHECK: %[[IN0:.*]] = arith.cmpi ult, %{{.*}}, %c12
// CHECK: %[[T0:.*]] = krnl.load %arg0
// CHECK: %[[T0W:.*]] = arith.extsi %[[T0]] : i32 to i64
// CHECK: %[[P0:.*]] = krnl.load %[[POOL]]
// CHECK: arith.cmpi eq, %[[T0W]], %[[P0]] : i64
// CHECK: %[[OFF1:.*]] = arith.muli %[[D]], %c1
// CHECK: %[[POS1:.*]] = arith.addi %[[START]], %[[OFF1]]
// CHECK: %[[IN1:.*]] = arith.cmpi ult, %[[POS1]], %c12
// CHECK: %[[SAFE1:.*]] = arith.select %[[IN1]], %[[POS1]], %c0
// CHECK: krnl.load %arg0[%[[SAFE1]]]
// CHECK: krnl.load %[[POOL]]
// CHECK: %[[EQ1:.*]] = arith.cmpi eq
// CHECK: %[[HIT1:.*]] = arith.andi %[[IN1]], %[[EQ1]]
// CHECK: %[[MATCH:.*]] = arith.andi %{{.*}}, %[[HIT1]]
// CHECK: %[[ID:.*]] = arith.addi %[[K]], %c4
// CHECK: %[[COLI:.*]] = krnl.load %[[IDX]][%[[ID]]]
// CHECK: %[[COL:.*]] = arith.index_cast %[[COLI]]
// CHECK: %[[C:.*]] = krnl.load %[[OUT]][%[[COL]]]
// CHECK: %[[ADD:.*]] = arith.select %[[MATCH]], %cst_0, %cst
// CHECK: %[[S:.*]] = arith.addf %[[C]], %[[ADD]]
// CHECK: krnl.store %[[S]], %[[OUT]][%[[COL]]]
// CHECK-NOT: tfidf_weights
// CHECK: return
func.func @tf_bigrams_skip5(%x: tensor<12xi32>) -> tensor<7xf32> {
  %0 = onnx.TfIdfVectorizer %x {max_gram_length = 2 : si64, max_skip_count = 5 : si64, min_gram_length = 2 : si64, mode = "TF", ngram_counts = [0, 4], ngram_indexes = [0, 1, 2, 3, 4, 5, 6], pool_int64s = [2, 3, 5, 4, 5, 6, 7, 8, 6, 7]} : (tensor<12xi32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// Unigrams and bigrams over [N, C] rows: unigrams do not depend on the skip, so their nest
// runs a single skip; bigrams run skips 0..1. IDF then keeps the column's weight where the
// count is positive.
// CHECK-LABEL: func.func @idf_batch
// CHECK: krnl.iterate({{.*}}) to(%c2, %c1, %c6, %c4) {
// CHECK: krnl.iterate({{.*}}) to(%c2, %c2_{{.*}}, %c6, %c3) {
// CHECK: %[[W:.*]] = krnl.global "tfidf_weights" {{.*}} : memref<7xf32>
// CHECK: krnl.iterate
// CHECK: %[[C:.*]] = krnl.load
// CHECK: %[[WV:.*]] = krnl.load %[[W]]
// CHECK: %[[SEEN:.*]] = arith.cmpf ogt, %[[C]]
// CHECK: arith.select %[[SEEN]], %[[WV]]
func.func @idf_batch(%x: tensor<2x6xi64>) -> tensor<2x7xf32> {
  %0 = onnx.TfIdfVectorizer %x {max_gram_length = 2 : si64, max_skip_count = 1 : si64, min_gram_length = 1 : si64, mode = "IDF", ngram_counts = [0, 4], ngram_indexes = [0, 1, 2, 3, 4, 5, 6], pool_int64s = [2, 3, 5, 4, 5, 6, 7, 8, 6, 7], weights = [1.0 : f32, 2.0 : f32, 3.0 : f32, 4.0 : f32, 5.0 : f32, 6.0 : f32, 7.0 : f32]} : (tensor<2x6xi64>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// TFIDF multiplies the counts by the weight of the column's pool n-gram: n-gram k lands
// in column ngram_indexes[k] = [2, 0, 1][k], so the columns weigh [1.0, 2.0, 0.5].
// CHECK-LABEL: func.func @tfidf
// CHECK: krnl.global "tfidf_weights" {value = dense<[1.000000e+00, 2.000000e+00, 5.000000e-01]> : tensor<3xf32>} : memref<3xf32>
// CHECK: arith.mulf
func.func @tfidf(%x: tensor<12xi32>) -> tensor<3xf32> {
  %0 = onnx.TfIdfVectorizer %x {max_gram_length = 2 : si64, max_skip_count = 0 : si64, min_gram_length = 2 : si64, mode = "TFIDF", ngram_counts = [0, 0], ngram_indexes = [2, 0, 1], pool_int64s = [5, 6, 7, 8, 6, 7], weights = [0.5 : f32, 1.0 : f32, 2.0 : f32]} : (tensor<12xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
