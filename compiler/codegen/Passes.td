//===- Passes.td - target-driven code generation of heavy ops ---*- tablegen -*-===//
//
// Choose, then follow: a strategy pass reads the module's `omc.target` attribute and
// writes a lowering configuration onto each heavy op; a lowering pass obeys it. Both
// are FileCheck-testable on their own.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_CODEGEN_PASSES
#define OMC_CODEGEN_PASSES

include "mlir/Pass/PassBase.td"

def MatmulStrategy : Pass<"omc-matmul-strategy", "::mlir::ModuleOp"> {
  let summary = "Choose register and cache tiles for each f32 linalg matmul from omc.target";
  let description = [{
    Reads `vector_bits` and `matmul_tiles` (register rows, register columns, K/M/N
    cache blocks) from the module's `omc.target` attribute and attaches
    `omc.matmul_config` (vector width in f32 lanes, register rows, vectors per row,
    block_k, block_m, block_n) to each linalg.matmul and linalg.batch_matmul over f32
    memrefs. Without a target attribute, or with a target without f32 vectors, it
    attaches nothing and the ops keep their generic lowering.
  }];
}

def LowerMatmul : Pass<"omc-lower-matmul", "::mlir::ModuleOp"> {
  let summary = "Lower configured linalg matmuls to packed, register-tiled vector FMAs";
  let description = [{
    Each linalg.matmul / linalg.batch_matmul carrying `omc.matmul_config` becomes a
    cache-blocked loop nest (N, K, M blocks) that packs B's K x N block into
    contiguous panels of register-tile width (zero-padded), and a microkernel that
    holds a register_rows x (vectors x vector_width) tile of C in vector registers
    across the K block, each step broadcasting one A element per row and issuing
    vector.fma. Rows left over from the register tile run a one-row kernel; columns
    past N are masked. Ops without a configuration are left alone.

    Threads share C by whole batches, column panels or row groups; the nest over a
    share goes into a private function `PARENT.omc_parallel.matmulN(%first, %last,
    %A, %B, %C)`, called once over all units, which omc-bind-parallel-calls routes
    through the runtime's thread pool: one pool trip per matmul. Matmuls with fewer
    than 2^18 multiply-adds run the nest in place.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // OMC_CODEGEN_PASSES
