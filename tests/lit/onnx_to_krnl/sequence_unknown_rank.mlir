// RUN: not omc-opt %s --convert-onnx-to-krnl 2>&1 | FileCheck %s

// Nothing in this graph says what rank the sequence's tensors have: the entry point
// cannot be described, and the pass says so.
// CHECK: error: entry point 'main_graph' has an input or output that is not a ranked tensor of a supported element type (or a sequence or optional of them)
func.func @main_graph(%s: !onnx.seq<tensor<*xf32>>) -> !onnx.seq<tensor<*xf32>> attributes {omc.input_names = ["s"], omc.output_names = ["t"]} {
  %0 = onnx.Identity %s : (!onnx.seq<tensor<*xf32>>) -> !onnx.seq<tensor<*xf32>>
  return %0 : !onnx.seq<tensor<*xf32>>
}
