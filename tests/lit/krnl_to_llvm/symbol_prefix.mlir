// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s --implicit-check-not=@omc_

// With omc.symbol_prefix every exported symbol carries that prefix instead of omc, so
// several models link into one program (onnx_model_library); nothing named omc_ is left.
// CHECK-LABEL: llvm.func @mlp_run_main_graph(
// CHECK-LABEL: llvm.func @mlp_signature_in_main_graph() -> !llvm.ptr
// CHECK-LABEL: llvm.func @mlp_signature_out_main_graph() -> !llvm.ptr
// CHECK-LABEL: llvm.func @mlp_entry_points() -> !llvm.ptr
// CHECK-LABEL: llvm.func @mlp_abi_version() -> i64
module attributes {omc.symbol_prefix = "mlp"} {
  func.func @main_graph(%x: memref<2xf32>) -> memref<2xf32> {
    return %x : memref<2xf32>
  }
  krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22,\22elem_type\22:1}]"}
}
