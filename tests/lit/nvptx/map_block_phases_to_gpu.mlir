// RUN: omc-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(omc-map-block-phases-to-gpu))' | FileCheck %s

#block_x = #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>
#thread_x = #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>

// One block per iteration of the outer loop, 64 threads (the longest phase). The
// buffer indexed by the thread in every use becomes private memory without that
// dim, the other one workgroup memory. The 32-thread phase runs under a guard;
// every phase but the last ends in a barrier, the one in the loop too.
// CHECK-LABEL: func.func @phases
// CHECK:         %[[BLOCKS:.*]] = arith.divui
// CHECK:         scf.if
// CHECK:           gpu.launch blocks(%[[B:[^,]*]], {{.*}}) in (%{{.*}} = %[[BLOCKS]], {{.*}}) threads(%[[T:[^,]*]], {{[^)]*}}) in (%{{[^=]*}} = %c64{{[_0-9]*}},
// CHECK-SAME:        function(@phases_blocks_kernel_0)
// CHECK-SAME:        workgroup(%[[SHARED:.*]] : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME:        private(%[[OWN:.*]] : memref<2xf32, #gpu.address_space<private>>)
// CHECK:             %[[ROW:.*]] = arith.muli %[[B]], %c2
// CHECK:             memref.store %{{.*}}, %[[OWN]][%c1{{.*}}]
// CHECK-NEXT:        gpu.barrier
// CHECK:             %[[IN:.*]] = arith.cmpi ult, %[[T]], %c32
// CHECK:             scf.if %[[IN]] {
// CHECK:               memref.store %{{.*}}, %[[SHARED]][%[[T]]]
// CHECK:             }
// CHECK-NEXT:        gpu.barrier
// CHECK:             scf.for
// CHECK:               memref.load %[[OWN]][%c0{{.*}}]
// CHECK:               gpu.barrier
// CHECK:             }
// CHECK:             memref.load %[[OWN]][%c1{{.*}}]
// CHECK:             memref.store %{{.*}}, %arg0[%{{.*}}, %[[T]]]
// CHECK-NOT:         gpu.barrier
// CHECK:             gpu.terminator
// CHECK-NOT:     scf.parallel
func.func @phases(%out: memref<?x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%b) = (%c0) to (%n) step (%c2) {
    %shared = memref.alloca() : memref<32xf32>
    %own = memref.alloca() : memref<64x2xf32>
    scf.parallel (%t) = (%c0) to (%c64) step (%c1) {
      memref.store %one, %own[%t, %c0] : memref<64x2xf32>
      memref.store %one, %own[%t, %c1] : memref<64x2xf32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.parallel (%t) = (%c0) to (%c32) step (%c1) {
      memref.store %one, %shared[%t] : memref<32xf32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.for %i = %c0 to %c3 step %c1 {
      scf.parallel (%t) = (%c0) to (%c64) step (%c1) {
        %x = memref.load %own[%t, %c0] : memref<64x2xf32>
        %s = arith.remui %t, %c32 : index
        %y = memref.load %shared[%s] : memref<32xf32>
        %z = arith.addf %x, %y : f32
        memref.store %z, %own[%t, %c0] : memref<64x2xf32>
        scf.reduce
      } {mapping = [#thread_x]}
    }
    scf.parallel (%t) = (%c0) to (%c64) step (%c1) {
      %x = memref.load %own[%t, %c0] : memref<64x2xf32>
      %y = memref.load %own[%t, %c1] : memref<64x2xf32>
      %z = arith.addf %x, %y : f32
      memref.store %z, %out[%b, %t] : memref<?x64xf32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.reduce
  } {mapping = [#block_x]}
  return
}

// -----

#block_x = #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>
#thread_x = #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>

// Every thread loads the shared total outside the phases, so each phase also starts
// with a barrier: the one-thread phase that writes it again must not run before a
// slower thread has read it.
// CHECK-LABEL: func.func @read_between_phases
// CHECK:           gpu.launch
// CHECK:             gpu.barrier
// CHECK:             %[[ONE:.*]] = arith.cmpi ult
// CHECK-NEXT:        scf.if %[[ONE]] {
// CHECK:               memref.store %{{.*}}, %[[TOTAL:.*]][]
// CHECK:             gpu.barrier
// CHECK:             %[[READ:.*]] = memref.load %[[TOTAL]][]
// CHECK:             gpu.barrier
// CHECK:             scf.if
// CHECK:               memref.store %{{.*}}, %[[TOTAL]][]
// CHECK:             gpu.barrier
// CHECK:             gpu.barrier
// CHECK:             memref.store %[[READ]]
// CHECK-NEXT:        gpu.terminator
func.func @read_between_phases(%out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  scf.parallel (%b) = (%c0) to (%c4) step (%c1) {
    %total = memref.alloca() : memref<f32>
    scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
      memref.store %one, %total[] : memref<f32>
      scf.reduce
    } {mapping = [#thread_x]}
    %read = memref.load %total[] : memref<f32>
    scf.parallel (%t) = (%c0) to (%c1) step (%c1) {
      memref.store %two, %total[] : memref<f32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.parallel (%t) = (%c0) to (%c8) step (%c1) {
      memref.store %read, %out[%b, %t] : memref<4x8xf32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.reduce
  } {mapping = [#block_x]}
  return
}

// -----

#block_x = #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>
#thread_x = #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>

// Every thread would run the store outside the phases.
func.func @store_outside_phases(%out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%b) = (%c0) to (%c4) step (%c1) {
    // expected-error @+1 {{nvptx: memref.store runs outside the block's thread phases but is neither pure nor a load}}
    memref.store %one, %out[%b] : memref<4xf32>
    scf.parallel (%t) = (%c0) to (%c4) step (%c1) {
      scf.reduce
    } {mapping = [#thread_x]}
    scf.reduce
  } {mapping = [#block_x]}
  return
}

// -----

#block_x = #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>
#thread_x = #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>

// Not every thread would reach the phase's barrier.
func.func @phase_under_if(%out: memref<4xf32>, %flag: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%b) = (%c0) to (%c4) step (%c1) {
    scf.if %flag {
      // expected-error @+1 {{nvptx: a thread phase inside scf.if}}
      scf.parallel (%t) = (%c0) to (%c4) step (%c1) {
        memref.store %one, %out[%t] : memref<4xf32>
        scf.reduce
      } {mapping = [#thread_x]}
    }
    scf.reduce
  } {mapping = [#block_x]}
  return
}

// -----

#block_x = #gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>
#thread_x = #gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>

// The block size must be known when the kernel is built.
func.func @phase_of_unknown_size(%out: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%b) = (%c0) to (%c1) step (%c1) {
    // expected-error @+1 {{nvptx: a thread phase needs constant bounds, at most 1024 iterations and no reductions}}
    scf.parallel (%t) = (%c0) to (%n) step (%c1) {
      memref.store %one, %out[%t] : memref<?xf32>
      scf.reduce
    } {mapping = [#thread_x]}
    scf.reduce
  } {mapping = [#block_x]}
  return
}
