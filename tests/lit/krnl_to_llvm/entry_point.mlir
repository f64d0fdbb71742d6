// RUN: omc-opt %s --convert-krnl-to-llvm --reconcile-unrealized-casts | FileCheck %s

// The graph function stays inside the library.
// CHECK: llvm.func internal @main_graph(

// The run wrapper checks the counts, unpacks each omc_tensor into a memref
// descriptor (data, data, offset 0, shape, strides), calls the graph and packs its
// result: data at the aligned pointer plus offset, the malloc'ed block to free,
// the ONNX element type the signature gives (4, uint16: the buffer itself is a signless
// i16), rank 2, shape and strides.
// CHECK-LABEL: llvm.func @omc_run_main_graph(
// CHECK-SAME: %[[IN:.*]]: !llvm.ptr, %[[NIN:.*]]: i64, %[[OUT:.*]]: !llvm.ptr, %[[NOUT:.*]]: i64) -> i32
// CHECK-DAG: %[[UINT16:.*]] = llvm.mlir.constant(4 : i32) : i32
// CHECK-DAG: %[[RANK:.*]] = llvm.mlir.constant(2 : i32) : i32
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
// CHECK: %[[FIRST:.*]] = llvm.getelementptr %[[ALIGNED]][%[[OFFSET]]] : (!llvm.ptr, i64) -> !llvm.ptr, i16
// CHECK: llvm.store %[[FIRST]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %[[ALLOCATED]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: %[[ELEM_TYPE_ADDR:.*]] = llvm.getelementptr %[[OUT]][0, 2]
// CHECK-NEXT: llvm.store %[[UINT16]], %[[ELEM_TYPE_ADDR]] : i32, !llvm.ptr
// CHECK: %[[RANK_ADDR:.*]] = llvm.getelementptr %[[OUT]][0, 3]
// CHECK-NEXT: llvm.store %[[RANK]], %[[RANK_ADDR]] : i32, !llvm.ptr
// CHECK: llvm.getelementptr %[[OUT]][0, 4, 1]
// CHECK: llvm.getelementptr %[[OUT]][0, 5, 1]

// Signatures and the entry point list are NUL-terminated strings.
// CHECK: llvm.mlir.global internal constant @omc_signature_in_main_graph_text("[{\22name\22:\22x\22,\22elem_type\22:1}]\00")
// CHECK-LABEL: llvm.func @omc_signature_in_main_graph() -> !llvm.ptr
// CHECK: llvm.mlir.addressof @omc_signature_in_main_graph_text
// CHECK: llvm.mlir.global internal constant @omc_entry_points_text("[\22main_graph\22]\00")
// CHECK-LABEL: llvm.func @omc_abi_version() -> i64
// CHECK: llvm.mlir.constant(1 : i64)

func.func @main_graph(%x: memref<2x3xf32>) -> memref<2x3xi16> {
  %0 = memref.alloc() {alignment = 64 : i64} : memref<2x3xi16>
  return %0 : memref<2x3xi16>
}
krnl.entry_point @main_graph {name = "main_graph", signature_in = "[{\22name\22:\22x\22,\22elem_type\22:1}]", signature_out = "[{\22name\22:\22y\22,\22elem_type\22:4}]"}
