//===- Passes.h - passes on the onnx dialect ----------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_PASSES_H
#define OMC_COMPILER_DIALECT_ONNX_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace omc::onnx {

#define GEN_PASS_DECL
#include "compiler/dialect/onnx/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/dialect/onnx/Passes.h.inc"

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_PASSES_H
