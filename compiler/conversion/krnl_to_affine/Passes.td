//===- Passes.td - krnl -> affine -------------------------------*- tablegen -*-===//

#ifndef OMC_CONVERSION_KRNL_TO_AFFINE_PASSES
#define OMC_CONVERSION_KRNL_TO_AFFINE_PASSES

include "mlir/Pass/PassBase.td"

def ConvertKrnlToAffine : Pass<"convert-krnl-to-affine", "::mlir::ModuleOp"> {
  let summary = "Lower krnl loop nests, loads, stores and globals to affine and memref";
  let description = [{
    Each krnl.iterate becomes a nest of affine.for (scf.for where a bound is not an
    affine symbol), with its krnl.block ops applied as tiling and its krnl.permute
    as loop interchange. krnl.load/store become affine.load/store where every index
    is affine, memref.load/store otherwise. krnl.global becomes a constant
    memref.global. Linalg ops on buffers that no target pass lowered (see
    compiler/codegen/) become affine loops. krnl.entry_point is left for krnl -> llvm.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // OMC_CONVERSION_KRNL_TO_AFFINE_PASSES
