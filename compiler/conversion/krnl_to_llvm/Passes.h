//===- Passes.h - krnl -> llvm ------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_PASSES_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_PASSES_H

#include "mlir/Pass/Pass.h"

namespace omc {

#define GEN_PASS_DECL
#include "compiler/conversion/krnl_to_llvm/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/conversion/krnl_to_llvm/Passes.h.inc"

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_PASSES_H
