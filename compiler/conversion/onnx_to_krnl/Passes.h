//===- Passes.h - onnx -> krnl ------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_PASSES_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_PASSES_H

#include "mlir/Pass/Pass.h"

namespace omc {

#define GEN_PASS_DECL
#include "compiler/conversion/onnx_to_krnl/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/conversion/onnx_to_krnl/Passes.h.inc"

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_PASSES_H
