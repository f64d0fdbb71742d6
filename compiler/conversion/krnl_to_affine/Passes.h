//===- Passes.h - krnl -> affine ----------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_PASSES_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_PASSES_H

#include "mlir/Pass/Pass.h"

namespace omc {

#define GEN_PASS_DECL
#include "compiler/conversion/krnl_to_affine/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/conversion/krnl_to_affine/Passes.h.inc"

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_PASSES_H
