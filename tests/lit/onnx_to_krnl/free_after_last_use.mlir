// RUN: omc-opt %s --convert-onnx-to-krnl --canonicalize | FileCheck %s

// A buffer is freed right after the last op that reads it or a view of it, so that the
// buffers after it can reuse its memory: here the Relu's goes after the last reader of its
// reshaped view (the Add), the Softmax's after the Add too, and the Add's, read inside the If's
// branches, after the If.
func.func @main_graph(%a: tensor<2x6xf32>, %c: tensor<i1>) -> tensor<3x4xf32> attributes {omc.input_names = ["a", "c"], omc.output_names = ["y"]} {
  %shape = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Relu %a : (tensor<2x6xf32>) -> tensor<2x6xf32>
  %view = onnx.Reshape %0, %shape : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  %1 = "onnx.Softmax"(%view) {axis = -1 : si64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %2 = onnx.Add %1, %view : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = "onnx.If"(%c) ({
    %t = onnx.Abs %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
    onnx.Yield %t : tensor<3x4xf32>
  }, {
    %e = onnx.Exp %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
    onnx.Yield %e : tensor<3x4xf32>
  }) : (tensor<i1>) -> tensor<3x4xf32>
  %4 = onnx.Sqrt %3 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %4 : tensor<3x4xf32>
}

// CHECK-LABEL: func.func @main_graph
// CHECK: %[[RELU:.*]] = memref.alloc() {{.*}} : memref<2x6xf32>
// CHECK: %[[SOFTMAX:.*]] = memref.alloc() {{.*}} : memref<3x4xf32>
// CHECK: %[[ADD:.*]] = memref.alloc() {{.*}} : memref<3x4xf32>
// CHECK: memref.reinterpret_cast %[[RELU]]
// CHECK: krnl.iterate
// CHECK: arith.addf
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[SOFTMAX]]
// CHECK-NEXT: memref.dealloc %[[RELU]]
// CHECK: scf.if
// CHECK: memref.reinterpret_cast %[[ADD]]
// CHECK: } else {
// CHECK: memref.reinterpret_cast %[[ADD]]
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[ADD]]
// CHECK: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<3x4xf32>
// CHECK: %[[SQRT:.*]] = memref.alloc() {{.*}} : memref<3x4xf32>
// CHECK: krnl.iterate
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[COPY]]
// CHECK-NEXT: return %[[SQRT]]
