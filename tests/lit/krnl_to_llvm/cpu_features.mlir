// RUN: omc-opt %s --split-input-file --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// The CPU features omc.target says the code may use become omc_cpu_features, which the
// runtime checks against the CPU before it runs anything.
// CHECK: llvm.mlir.global internal constant @omc_cpu_features_text("avx2,fma,avx512f\00")
// CHECK-LABEL: llvm.func @omc_cpu_features() -> !llvm.ptr
// CHECK: llvm.mlir.addressof @omc_cpu_features_text
module attributes {omc.target = {name = "x86-avx512", host_features = "avx2,fma,avx512f"}} {
  func.func @main_graph(%x: memref<2xf32>) -> memref<2xf32> {
    return %x : memref<2xf32>
  }
  krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22,\22elem_type\22:1}]"}
}

// -----

// Without any (aarch64-neon, or no omc.target at all) there is no such function: the
// library runs on any CPU of its architecture.
// CHECK-LABEL: llvm.func @omc_abi_version() -> i64
// CHECK-NOT: omc_cpu_features
module attributes {omc.target = {name = "aarch64-neon", host_features = ""}} {
  func.func @main_graph(%x: memref<2xf32>) -> memref<2xf32> {
    return %x : memref<2xf32>
  }
  krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22,\22elem_type\22:1}]"}
}
