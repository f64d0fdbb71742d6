// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// f32 and f64 fused multiply-adds stay one operation (llvm.intr.fmuladd): the math
// expansions would split them into a multiply and an add.
// CHECK-LABEL: llvm.func @fma(
// CHECK-NOT:     llvm.fmul
// CHECK:         %[[S:.*]] = llvm.intr.fmuladd(%arg0, %arg1, %arg2) : (f32, f32, f32) -> f32
// CHECK:         %[[V:.*]] = llvm.intr.fmuladd(%arg3, %arg3, %arg3) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// CHECK:         %[[D:.*]] = llvm.intr.fmuladd(%arg4, %arg4, %arg4) : (f64, f64, f64) -> f64
// CHECK-NOT:     llvm.fadd
func.func @fma(%a: f32, %b: f32, %c: f32, %v: vector<8xf32>, %d: f64) -> (f32, vector<8xf32>, f64) {
  %s = math.fma %a, %b, %c : f32
  %w = math.fma %v, %v, %v : vector<8xf32>
  %e = math.fma %d, %d, %d : f64
  return %s, %w, %e : f32, vector<8xf32>, f64
}

// The polynomial approximations are built of them too, and call no libm function.
// CHECK-LABEL: llvm.func @tanh(
// CHECK-NOT:     llvm.call
// CHECK:         llvm.intr.fmuladd
// CHECK-NOT:     llvm.call
// CHECK:         llvm.return
func.func @tanh(%v: f32) -> f32 {
  %t = math.tanh %v : f32
  return %t : f32
}
