//===- Passes.h - the nvptx target's passes -----------------------------------===//
#ifndef OMC_TARGETS_NVPTX_PASSES_H
#define OMC_TARGETS_NVPTX_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/Pass.h"

namespace omc::nvptx {

#define GEN_PASS_DECL
#include "targets/nvptx/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "targets/nvptx/Passes.h.inc"

// The gpu.module that every kernel goes into, so that a library holds one PTX module.
inline constexpr llvm::StringLiteral kKernelModuleName = "omc_kernels";

// The dialects, NVVM target attribute and LLVM IR translations that the GPU path
// needs, for the compiler's context and for //tools:opt.
void registerNvptxDialects(mlir::DialectRegistry &registry);

} // namespace omc::nvptx

#endif // OMC_TARGETS_NVPTX_PASSES_H
