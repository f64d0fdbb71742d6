// RUN: omc-opt %s --convert-krnl-to-llvm --verify-diagnostics

// A prefix becomes the start of C symbols: it must be a C identifier.
// expected-error @+1 {{omc.symbol_prefix must be a C identifier, got "2-mlp"}}
module attributes {omc.symbol_prefix = "2-mlp"} {
  func.func @main_graph(%x: memref<2xf32>) -> memref<2xf32> {
    return %x : memref<2xf32>
  }
  krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22,\22elem_type\22:1}]"}
}
