//===- Passes.h - parallel loops: found, then run on threads --------------------===//
#ifndef OMC_COMPILER_PARALLEL_PASSES_H
#define OMC_COMPILER_PARALLEL_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "compiler/parallel/ParallelLoopAttr.h"
#include "mlir/Pass/Pass.h"

namespace omc {

#define GEN_PASS_DECL
#include "compiler/parallel/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/parallel/Passes.h.inc"

// Marks the name of a function that omc-outline-parallel-loops made.
inline constexpr llvm::StringLiteral kParallelBodyMarker = ".omc_parallel.";

} // namespace omc

#endif // OMC_COMPILER_PARALLEL_PASSES_H
