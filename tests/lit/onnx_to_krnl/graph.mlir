// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A whole graph: constants become globals, each op a loop nest into a fresh
// buffer; a returned input is copied (the caller owns every result); buffers not
// returned are freed after their last use; the entry point carries the signatures.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[A:.*]]: memref<3x4xf32>, %[[B:.*]]: memref<4xf32>) -> (memref<3x4xf32>, memref<3x4xf32>)
// CHECK: %[[W:.*]] = krnl.global "constant_0" {value = dense<2.000000e+00> : tensor<4xf32>} : memref<4xf32>
// CHECK: %[[SUM:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK: krnl.iterate
// CHECK: arith.addf
// CHECK: %[[PROD:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x4xf32>
// CHECK: krnl.iterate(%{{.*}}#0, %{{.*}}#1)
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT: krnl.load %[[A]][%[[I]], %[[J]]]
// CHECK-NEXT: krnl.load %[[SUM]][%[[J]]]
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: krnl.store %{{.*}}, %[[PROD]][%[[I]], %[[J]]]
// CHECK: memref.dealloc %[[SUM]]
// CHECK-NEXT: %[[COPY:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x4xf32>
// CHECK-NEXT: memref.copy %[[A]], %[[COPY]]
// CHECK-NEXT: return %[[PROD]], %[[COPY]]
// CHECK: krnl.entry_point @main_graph {name = "main_graph",
// CHECK-SAME: signature_in = "[{\22name\22:\22a\22,\22type\22:\22float32\22,\22elem_type\22:1,\22shape\22:[3,4]},{\22name\22:\22b\22,
// CHECK-SAME: signature_out = "[{\22name\22:\22y\22,{{.*}}},{\22name\22:\22a_out\22,
func.func @main_graph(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) attributes {omc.input_names = ["a", "b"], omc.output_names = ["y", "a_out"]} {
  %w = onnx.Constant {value = dense<2.0> : tensor<4xf32>} : tensor<4xf32>
  %0 = onnx.Add %b, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Mul %a, %0 : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %2 = onnx.Identity %a : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %1, %2 : tensor<3x4xf32>, tensor<3x4xf32>
}
