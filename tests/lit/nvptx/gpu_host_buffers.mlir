// RUN: omc-opt %s --omc-gpu-host-buffers | FileCheck %s

memref.global "private" constant @weights : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// Only the kernel touches the input, the weights and the result: all three are
// device memory. The driver copies the input in and the result out to host memory
// for the caller (gpu-to-llvm lowers only the stream-ordered gpu.memcpy and
// gpu.dealloc). The weights' device copy is kept across runs: the runtime makes it
// into the library's slot @weights_on_device on the first run, and the kernel reads
// it through a memref over the pointer it returns; it is not freed here.
// CHECK:       llvm.mlir.global internal @weights_on_device(0 : i64)
// CHECK-LABEL: func.func @scale
// CHECK-SAME:    (%[[X:.*]]: memref<?xf32>)
// CHECK:         %[[N:.*]] = memref.dim %[[X]]
// CHECK:         %[[IN:[^,]*]], %{{.*}} = gpu.alloc async [%{{.*}}] (%[[N]]) : memref<?xf32>
// CHECK:         gpu.memcpy async [%{{.*}}] %[[IN]], %[[X]]
// CHECK:         %[[W:.*]] = memref.get_global @weights
// CHECK:         %[[SLOT:.*]] = llvm.mlir.addressof @weights_on_device
// CHECK:         %[[HOST:.*]] = memref.extract_aligned_pointer_as_index %[[W]]
// CHECK:         %[[HOSTI:.*]] = arith.index_cast %[[HOST]] : index to i64
// CHECK:         %[[HOSTP:.*]] = llvm.inttoptr %[[HOSTI]]
// CHECK:         %[[BYTES:.*]] = llvm.mlir.constant(16 : i64)
// CHECK:         %[[DEV:.*]] = llvm.call @mgpuOmcDeviceWeight(%[[SLOT]], %[[HOSTP]], %[[BYTES]])
// CHECK:         llvm.insertvalue %[[DEV]]
// CHECK:         %[[WD:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<4xf32>
// CHECK:         %[[OUT:[^,]*]], %{{.*}} = gpu.alloc async [%{{.*}}] (%{{.*}}) : memref<?xf32>
// CHECK:         gpu.launch
// CHECK:           memref.load %[[IN]]
// CHECK:           memref.load %[[WD]]
// CHECK:           memref.store %{{.*}}, %[[OUT]]
// CHECK:         %[[RESULT:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:         gpu.memcpy async [%{{.*}}] %[[RESULT]], %[[OUT]]
// CHECK:         gpu.dealloc async [%{{.*}}] %[[OUT]]
// CHECK:         gpu.dealloc async [%{{.*}}] %[[IN]]
// CHECK-NOT:     gpu.dealloc
// CHECK:         return %[[RESULT]]
func.func @scale(%x: memref<?xf32>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %w = memref.get_global @weights : memref<4xf32>
  %out = memref.alloc(%n) : memref<?xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%bx] : memref<?xf32>
    %s = memref.load %w[%c0] : memref<4xf32>
    %p = arith.mulf %v, %s : f32
    memref.store %p, %out[%bx] : memref<?xf32>
    gpu.terminator
  }
  return %out : memref<?xf32>
}

// Without launches nothing changes.
// CHECK-LABEL: func.func @host_only
// CHECK-NOT:     gpu.alloc
func.func @host_only(%x: memref<4xf32>) -> memref<4xf32> {
  %out = memref.alloc() : memref<4xf32>
  memref.copy %x, %out : memref<4xf32> to memref<4xf32>
  return %out : memref<4xf32>
}

// A kernel that sets the run-time error status buffer (the last argument of a function
// with omc.error_messages): it works on a managed copy, which goes back to the caller's
// buffer before it is freed, so that the entry point sees the code.
// CHECK-LABEL: func.func @checked
// CHECK-SAME:    (%[[X:.*]]: memref<4xf32>, %[[S:.*]]: memref<i32>)
// CHECK:         %[[SM:.*]] = gpu.alloc host_shared () : memref<i32>
// CHECK-NEXT:    memref.copy %[[S]], %[[SM]]
// CHECK:         gpu.launch
// CHECK:           memref.store %{{.*}}, %[[SM]][]
// CHECK:         memref.copy %[[SM]], %[[S]]
// CHECK:         gpu.dealloc async [%{{.*}}] %[[SM]]
// CHECK:         return
func.func @checked(%x: memref<4xf32>, %status: memref<i32>) -> memref<4xf32>
    attributes {omc.error_messages = ["an error"]} {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %code = arith.constant 1 : i32
  %out = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c4, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%bx] : memref<4xf32>
    memref.store %v, %out[%bx] : memref<4xf32>
    memref.store %code, %status[] : memref<i32>
    gpu.terminator
  }
  return %out : memref<4xf32>
}

// An input is never copied back.
// CHECK-LABEL: func.func @read_only_input
// CHECK:         gpu.launch
// CHECK-NOT:     memref.copy %{{.*}}, %arg0
// CHECK:         return
func.func @read_only_input(%x: memref<4xf32>) -> memref<4xf32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %out = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c4, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%bx] : memref<4xf32>
    memref.store %v, %out[%bx] : memref<4xf32>
    gpu.terminator
  }
  return %out : memref<4xf32>
}

// A kernel reading a transposed view (a Gemm's transB) reads its source's memory: the
// source is copied into a GPU buffer, and the view is taken of that.
// CHECK-LABEL: func.func @transposed
// CHECK-SAME:    (%[[X:.*]]: memref<2x3xf32>)
// CHECK:         %[[XM:[^,]*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<2x3xf32>
// CHECK:         gpu.memcpy async [%{{.*}}] %[[XM]], %[[X]]
// CHECK:         %[[T:.*]] = memref.transpose %[[XM]]
// CHECK:         gpu.launch
// CHECK:           memref.load %[[T]]
func.func @transposed(%x: memref<2x3xf32>) -> memref<3x2xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %t = memref.transpose %x (d0, d1) -> (d1, d0)
      : memref<2x3xf32> to memref<3x2xf32, strided<[1, 3]>>
  %out = memref.alloc() : memref<3x2xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c3, %gy = %c2, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %t[%bx, %by] : memref<3x2xf32, strided<[1, 3]>>
    memref.store %v, %out[%bx, %by] : memref<3x2xf32>
    gpu.terminator
  }
  return %out : memref<3x2xf32>
}

// What the host reads or writes besides the kernels stays managed memory, filled by
// the host: an input that a host loop also reads, and a buffer the host writes
// through a view before a kernel reads it.
// CHECK-LABEL: func.func @host_touches
// CHECK-SAME:    (%[[X:.*]]: memref<4xf32>)
// CHECK:         %[[XM:.*]] = gpu.alloc host_shared () : memref<4xf32>
// CHECK-NEXT:    memref.copy %[[X]], %[[XM]]
// CHECK:         %[[T:.*]] = gpu.alloc host_shared () : memref<2x2xf32>
// CHECK:         %[[FLAT:.*]] = memref.collapse_shape %[[T]]
// CHECK:         scf.for
// CHECK:           memref.load %[[XM]]
// CHECK:           memref.store %{{.*}}, %[[FLAT]]
// CHECK:         gpu.launch
func.func @host_touches(%x: memref<4xf32>) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %t = memref.alloc() : memref<2x2xf32>
  %flat = memref.collapse_shape %t [[0, 1]] : memref<2x2xf32> into memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xf32>
    memref.store %v, %flat[%i] : memref<4xf32>
  }
  %out = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c2, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %v = memref.load %t[%bx, %by] : memref<2x2xf32>
    %w = memref.load %x[%bx] : memref<4xf32>
    %s = arith.addf %v, %w : f32
    %i = arith.addi %bx, %by : index
    memref.store %s, %out[%i] : memref<4xf32>
    gpu.terminator
  }
  memref.dealloc %t : memref<2x2xf32>
  return %out : memref<4xf32>
}

// The runtime function that keeps weights on the device, declared for the calls.
// CHECK:       llvm.func @mgpuOmcDeviceWeight(!llvm.ptr, !llvm.ptr, i64) -> !llvm.ptr
