// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// The graph function stays inside the library.
// CHECK: llvm.func internal @main_graph(

// The run wrapper checks the counts, unpacks each omc_tensor into a memref
// descriptor (data, data, offset 0, shape, strides), calls the graph and packs its
// result: data at the aligned pointer plus offset, the malloc'ed block to free,
// ONNX element type 1 (float), rank 2, shape and strides.
// CHECK-LABEL: llvm.func @omc_run_main_graph(
// CHECK-SAME: %[[IN:.*]]: !llvm.ptr, %[[NIN:.*]]: i64, %[[OUT:.*]]: !llvm.ptr, %[[NOUT:.*]]: i64) -> i32
// CHECK: llvm.icmp "eq" %[[NIN]]
// CHECK: llvm.icmp "eq" %[[NOUT]]
// CHECK: llvm.cond_br
// CHECK: %[[DATA_ADDR:.*]] = llvm.getelementptr %[[IN]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, i32, i32, array<16 x i64>, array<16 x i64>)>
// CHECK: %[[DATA:.*]] = llvm.load %[[DATA_ADDR]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[DATA]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[DATA]], %{{.*}}[1]
// CHECK: llvm.getelementptr %[[IN]][0, 4, 0]
// CHECK: llvm.getelementptr %[[IN]][0, 5, 0]
// CHECK: %[[RESULT:.*]] = llvm.call @main_graph(
// CHECK: %[[ALLOCATED:.*]] = llvm.extractvalue %[[RESULT]][0]
// CHECK: %[[ALIGNED:.*]] = llvm.extractvalue %[[RESULT]][1]
// CHECK: %[[OFFSET:.*]] = llvm.extractvalue %[[RESULT]][2]
// CHECK: %[[FIRST:.*]] = llvm.getelementptr %[[ALIGNED]][%[[OFFSET]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.store %[[FIRST]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %[[ALLOCATED]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: %[[FLOAT:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: llvm.store %[[FLOAT]]
// CHECK: %[[RANK:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: llvm.store %[[RANK]]
// CHECK: llvm.getelementptr %[[OUT]][0, 4, 1]
// CHECK: llvm.getelementptr %[[OUT]][0, 5, 1]

// Signatures and the entry point list are NUL-terminated strings.
// CHECK: llvm.mlir.global internal constant @omc_signature_in_main_graph_text("[{\22name\22:\22x\22}]\00")
// CHECK-LABEL: llvm.func @omc_signature_in_main_graph() -> !llvm.ptr
// CHECK: llvm.mlir.addressof @omc_signature_in_main_graph_text
// CHECK: llvm.mlir.global internal constant @omc_entry_points_text("[\22main_graph\22]\00")
// CHECK-LABEL: llvm.func @omc_abi_version() -> i64
// CHECK: llvm.mlir.constant(1 : i64)

func.func @main_graph(%x: memref<2x3xf32>) -> memref<2x3xf32> {
  %0 = memref.alloc() {alignment = 64 : i64} : memref<2x3xf32>
  memref.copy %x, %0 : memref<2x3xf32> to memref<2x3xf32>
  return %0 : memref<2x3xf32>
}
krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22}]", signature_out = "[{\22name\22:\22y\22}]"}
