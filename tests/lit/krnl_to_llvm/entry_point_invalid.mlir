// RUN: omc-opt %s --convert-krnl-to-llvm --verify-diagnostics

// The ABI reports each output's ONNX element type from the signature: it must be there.
func.func @main_graph(%x: memref<2xf32>) -> memref<2xf32> {
  return %x : memref<2xf32>
}
// expected-error @+2 {{has a signature entry without elem_type}}
// expected-error @+1 {{output signature does not match the function's results}}
krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22}]"}
