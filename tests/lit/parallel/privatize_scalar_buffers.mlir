// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-privatize-scalar-buffers))' | FileCheck %s

// The accumulator is reset at the start of every %i iteration: it moves into that
// body, and then nothing keeps %i from running in parallel.
// CHECK-LABEL: func.func @row_sums
// CHECK:         affine.for %{{.*}} = 0 to 4 {
// CHECK-NEXT:      %[[ACC:.*]] = memref.alloca() : memref<f32>
// CHECK-NEXT:      affine.store %{{.*}}, %[[ACC]][]
func.func @row_sums(%in: memref<4x8xf32>, %out: memref<4xf32>) {
  %acc = memref.alloca() : memref<f32>
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 4 {
    affine.store %zero, %acc[] : memref<f32>
    affine.for %j = 0 to 8 {
      %v = affine.load %in[%i, %j] : memref<4x8xf32>
      %a = affine.load %acc[] : memref<f32>
      %s = arith.addf %a, %v : f32
      affine.store %s, %acc[] : memref<f32>
    }
    %r = affine.load %acc[] : memref<f32>
    affine.store %r, %out[%i] : memref<4xf32>
  }
  return
}

// Read before it is written in the body: the value flows between iterations, so
// the buffer stays where it is.
// CHECK-LABEL: func.func @carried
// CHECK-NEXT:    memref.alloca() : memref<f32>
// CHECK:         affine.for
func.func @carried(%out: memref<4xf32>) {
  %acc = memref.alloca() : memref<f32>
  affine.for %i = 0 to 4 {
    %a = affine.load %acc[] : memref<f32>
    affine.store %a, %out[%i] : memref<4xf32>
    %b = arith.addf %a, %a : f32
    affine.store %b, %acc[] : memref<f32>
  }
  return
}
