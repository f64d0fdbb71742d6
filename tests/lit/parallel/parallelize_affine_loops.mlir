// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-parallelize-affine-loops))' | FileCheck %s

// A gather: the data-dependent memref.load reads a buffer that the loop never
// writes, so both loops are parallel.
// CHECK-LABEL: func.func @gather
// CHECK:         affine.parallel (%{{.*}}) = (0) to (3)
// CHECK:           affine.parallel (%{{.*}}) = (0) to (4)
// CHECK-NOT:     affine.for
func.func @gather(%data: memref<5x4xf32>, %indices: memref<3xindex>, %out: memref<3x4xf32>) {
  affine.for %i = 0 to 3 {
    affine.for %j = 0 to 4 {
      %k = affine.load %indices[%i] : memref<3xindex>
      %v = memref.load %data[%k, %j] : memref<5x4xf32>
      affine.store %v, %out[%i, %j] : memref<3x4xf32>
    }
  }
  return
}

// The loop writes the buffer its non-affine load reads: it stays sequential.
// CHECK-LABEL: func.func @scatter_read
// CHECK-NOT:     affine.parallel
func.func @scatter_read(%buf: memref<8xf32>, %indices: memref<8xindex>) {
  affine.for %i = 0 to 8 {
    %k = affine.load %indices[%i] : memref<8xindex>
    %v = memref.load %buf[%k] : memref<8xf32>
    affine.store %v, %buf[%i] : memref<8xf32>
  }
  return
}

// A reduction over %j into out[%i]: %i is parallel, %j carries a dependence.
// CHECK-LABEL: func.func @row_sum
// CHECK:         affine.parallel (%{{.*}}) = (0) to (4)
// CHECK:           affine.for %{{.*}} = 0 to 8
func.func @row_sum(%in: memref<4x8xf32>, %out: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 8 {
      %v = affine.load %in[%i, %j] : memref<4x8xf32>
      %a = affine.load %out[%i] : memref<4xf32>
      %s = arith.addf %a, %v : f32
      affine.store %s, %out[%i] : memref<4xf32>
    }
  }
  return
}
