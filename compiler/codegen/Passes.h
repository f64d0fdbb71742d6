//===- Passes.h - target-driven code generation of heavy ops --------------------===//
#ifndef OMC_COMPILER_CODEGEN_PASSES_H
#define OMC_COMPILER_CODEGEN_PASSES_H

#include "mlir/Pass/Pass.h"

namespace omc {

#define GEN_PASS_DECL
#include "compiler/codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/codegen/Passes.h.inc"

} // namespace omc

#endif // OMC_COMPILER_CODEGEN_PASSES_H
