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

// A vector.gather (a conv's patches into panels) only reads: like a non-affine load, it
// keeps the loops parallel while no store in them writes its buffer, and affine vector
// stores are checked as affine stores.
// CHECK-LABEL: func.func @vector_gather
// CHECK:         affine.parallel (%{{.*}}) = (0) to (3)
// CHECK:           affine.parallel (%{{.*}}) = (0) to (4)
func.func @vector_gather(%x: memref<64xf32>, %offsets: vector<8xi32>, %mask: vector<8xi1>,
                         %out: memref<3x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant dense<0.0> : vector<8xf32>
  affine.for %i = 0 to 3 {
    affine.for %j = 0 to 4 {
      %v = vector.gather %x[%c0] [%offsets], %mask, %zero : memref<64xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
      affine.vector_store %v, %out[%i, %j, 0] : memref<3x4x8xf32>, vector<8xf32>
    }
  }
  return
}

// A gather from the buffer the loop writes stays sequential.
// CHECK-LABEL: func.func @vector_gather_written
// CHECK-NOT:     affine.parallel
func.func @vector_gather_written(%x: memref<64xf32>, %offsets: vector<8xi32>,
                                 %mask: vector<8xi1>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant dense<0.0> : vector<8xf32>
  affine.for %i = 0 to 4 {
    %v = vector.gather %x[%c0] [%offsets], %mask, %zero : memref<64xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
    affine.vector_store %v, %x[%i * 8] : memref<64xf32>, vector<8xf32>
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

// A gather that checks its indices: the error code stored to the status buffer
// (the last argument of a function with omc.error_messages) leaves the loop parallel.
// CHECK-LABEL: func.func @checked_gather
// CHECK:         affine.parallel (%{{.*}}) = (0) to (3)
// CHECK:           memref.store %{{.*}}, %{{.*}}[] : memref<i32>
// CHECK-NOT:     affine.for
func.func @checked_gather(%data: memref<5xf32>, %indices: memref<3xindex>,
                          %out: memref<3xf32>, %status: memref<i32>)
    attributes {omc.error_messages = ["Gather: an index is out of range"]} {
  %c5 = arith.constant 5 : index
  %code = arith.constant 1 : i32
  %zero = arith.constant 0.0 : f32
  affine.for %i = 0 to 3 {
    %k = affine.load %indices[%i] : memref<3xindex>
    %ok = arith.cmpi ult, %k, %c5 : index
    %v = scf.if %ok -> (f32) {
      %d = memref.load %data[%k] : memref<5xf32>
      scf.yield %d : f32
    } else {
      memref.store %code, %status[] : memref<i32>
      scf.yield %zero : f32
    }
    affine.store %v, %out[%i] : memref<3xf32>
  }
  return
}

// The same store to an ordinary argument is a write the pass cannot see through.
// CHECK-LABEL: func.func @flag_without_messages
// CHECK-NOT:     affine.parallel
func.func @flag_without_messages(%indices: memref<3xindex>, %flag: memref<i32>) {
  %c5 = arith.constant 5 : index
  %code = arith.constant 1 : i32
  affine.for %i = 0 to 3 {
    %k = affine.load %indices[%i] : memref<3xindex>
    %bad = arith.cmpi uge, %k, %c5 : index
    scf.if %bad {
      memref.store %code, %flag[] : memref<i32>
    }
  }
  return
}

// A loop that reads the status buffer too stays sequential.
// CHECK-LABEL: func.func @status_read
// CHECK-NOT:     affine.parallel
func.func @status_read(%out: memref<3xi32>, %status: memref<i32>)
    attributes {omc.error_messages = ["an error"]} {
  %code = arith.constant 1 : i32
  affine.for %i = 0 to 3 {
    %s = memref.load %status[] : memref<i32>
    affine.store %s, %out[%i] : memref<3xi32>
    memref.store %code, %status[] : memref<i32>
  }
  return
}

// A memref.prefetch (a matmul kernel's, run in place inside the loop) is a hint: it
// declares no memory effects, yet keeps the loop parallel.
// CHECK-LABEL: func.func @prefetch
// CHECK:         affine.parallel (%{{.*}}) = (0) to (4)
func.func @prefetch(%in: memref<64xf32>, %out: memref<4xf32>) {
  affine.for %i = 0 to 4 {
    %ahead = affine.apply affine_map<(d0) -> (d0 * 16 + 16)>(%i)
    memref.prefetch %in[%ahead], read, locality<3>, data : memref<64xf32>
    %v = affine.load %in[%i * 16] : memref<64xf32>
    affine.store %v, %out[%i] : memref<4xf32>
  }
  return
}
