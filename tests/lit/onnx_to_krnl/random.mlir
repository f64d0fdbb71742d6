// RUN: omc-opt %s --convert-onnx-to-krnl | FileCheck %s

// Only the op without a seed gets a run counter, a private global of the module.
// CHECK: memref.global "private" @omc_random_calls : memref<i64> = dense<0>
// CHECK-NOT: memref.global

// A seeded op: the salt is a constant, each element's key its linear index plus the salt,
// and the number the top 24 bits of the key's mix, scaled into [low, high).
// CHECK-LABEL: func.func @uniform_seeded
// CHECK: %[[SALT:.*]] = arith.constant {{-?[0-9]+}} : i64
// CHECK: krnl.iterate
// CHECK: %[[KEY:.*]] = arith.addi %{{.*}}, %[[SALT]] : i64
// CHECK: arith.shrui %[[KEY]]
// CHECK: arith.uitofp
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: krnl.store
func.func @uniform_seeded() -> tensor<3x4xf32> {
  %0 = onnx.RandomUniform {dtype = 1 : si64, high = 3.0 : f32, low = -2.0 : f32, seed = 1.0 : f32, shape = [3, 4]} : () -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// Without a seed, the op's counter, bumped atomically on every run, and its address.
// CHECK-LABEL: func.func @normal_like_unseeded
// CHECK: memref.dim
// CHECK: %[[STATE:.*]] = memref.get_global @omc_random_calls
// CHECK: memref.atomic_rmw addi %{{.*}}, %[[STATE]][] : (i64, memref<i64>) -> i64
// CHECK: memref.extract_aligned_pointer_as_index %[[STATE]]
// CHECK: krnl.iterate
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.cos
// CHECK: arith.truncf {{.*}} : f32 to f16
func.func @normal_like_unseeded(%a: tensor<?x2xf32>) -> tensor<?x2xf16> {
  %0 = onnx.RandomNormalLike %a {dtype = 10 : si64, mean = 0.0 : f32, scale = 1.0 : f32} : (tensor<?x2xf32>) -> tensor<?x2xf16>
  return %0 : tensor<?x2xf16>
}

// Bernoulli: 1 where the draw is below the probability.
// CHECK-LABEL: func.func @bernoulli
// CHECK: krnl.iterate
// CHECK: %[[P:.*]] = krnl.load
// CHECK: %[[HIT:.*]] = arith.cmpf olt, %{{.*}}, %[[P]] : f32
// CHECK: arith.extui %[[HIT]] : i1 to i32
func.func @bernoulli(%p: tensor<10xf32>) -> tensor<10xi32> {
  %0 = onnx.Bernoulli %p {dtype = 6 : si64, seed = 0.0 : f32} : (tensor<10xf32>) -> tensor<10xi32>
  return %0 : tensor<10xi32>
}

// Multinomial: per sample, the row's maximum, its total weight, then the class whose
// cumulative weight first passes u * total.
// CHECK-LABEL: func.func @multinomial
// CHECK: krnl.iterate
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf ole
// CHECK: arith.select
// CHECK: arith.index_cast {{.*}} : index to i64
func.func @multinomial(%x: tensor<2x4xf32>) -> tensor<2x5xi64> {
  %0 = onnx.Multinomial %x {dtype = 7 : si64, sample_size = 5 : si64, seed = 2.0 : f32} : (tensor<2x4xf32>) -> tensor<2x5xi64>
  return %0 : tensor<2x5xi64>
}
