//===- ONNXOps.h - the onnx dialect and its ops -------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_ONNXOPS_H
#define OMC_COMPILER_DIALECT_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "compiler/dialect/onnx/ONNXTraits.h"

#include "compiler/dialect/onnx/ONNXDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "compiler/dialect/onnx/ONNXTypes.h.inc"

#include "compiler/dialect/onnx/ShapeInferenceInterface.h.inc"

#define GET_OP_CLASSES
#include "compiler/dialect/onnx/ONNXOps.h.inc"

namespace omc::onnx {

// On an onnx.Conv or onnx.Add: the activation its lowering applies to the result
// ("relu"), put there by onnx-fuse-activation.
inline constexpr llvm::StringLiteral kActivationAttr = "omc.activation";

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_ONNXOPS_H
