// RUN: omc-opt %s --pass-pipeline='builtin.module(func.func(omc-map-parallel-loops-to-gpu{block-size=128}))' | FileCheck %s

// A 2-d parallel nest becomes one launch over 3x5 = 15 iterations: one block of
// 128 threads, a guard, and the indices recovered with the last dim fastest.
// CHECK-LABEL: func.func @nest
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK:         scf.if
// CHECK:           gpu.launch blocks(%[[BX:[^,]*]], {{.*}}) in ({{.*}}) threads(%[[TX:[^,]*]], {{.*}}) in ({{[^=]*}} = %[[C128]], {{.*}}) module(@omc_kernels) function(@nest_kernel_0)
// CHECK:             %[[BASE:.*]] = arith.muli %[[BX]], %[[C128]]
// CHECK:             %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK:             %[[IN:.*]] = arith.cmpi slt, %[[ID]], %{{.*}}
// CHECK:             scf.if %[[IN]] {
// CHECK:               %[[J:.*]] = arith.remui %[[ID]], %{{.*}}
// CHECK:               %[[I:.*]] = arith.divui %[[ID]], %{{.*}}
// CHECK:               memref.load %{{.*}}[%{{.*}}, %{{.*}}]
// CHECK:               memref.store
// CHECK:             gpu.terminator
// CHECK-NOT:     scf.parallel
func.func @nest(%in: memref<3x5xf32>, %out: memref<3x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  scf.parallel (%i) = (%c0) to (%c3) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c5) step (%c1) {
      %v = memref.load %in[%i, %j] : memref<3x5xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %out[%i, %j] : memref<3x5xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// A sequential loop stays on the host; the parallel loop inside it is launched
// once per iteration. A parallel loop with a reduction stays on the host.
// CHECK-LABEL: func.func @inner
// CHECK:         scf.for
// CHECK:           gpu.launch
// CHECK:         scf.parallel
// CHECK-NOT:       gpu.launch
func.func @inner(%buf: memref<4x8xf32>, %sum: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
      memref.store %zero, %buf[%i, %j] : memref<4x8xf32>
      scf.reduce
    }
  }
  %r = scf.parallel (%j) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %v = memref.load %buf[%c0, %j] : memref<4x8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  memref.store %r, %sum[] : memref<f32>
  return
}
