//===- RunTimeErrors.h - errors a compiled model finds while it runs ----------===//
//
// Some problems only show in the values a model runs on (a Gather index out of range).
// A lowering that checks for one registers an error site with a message; the code it
// emits stores the site's code into the graph function's status buffer (a memref<i32>,
// 0 for success, site k stores k + 1) and carries on with safe values. After
// conversion the buffer becomes the function's last argument and the messages its
// `omc.error_messages` attribute; the entry point wrapper (krnl_to_llvm/EntryPointABI)
// passes the buffer, returns 1 + its value as the status, and exports the messages.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RUNTIMEERRORS_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RUNTIMEERRORS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace omc {

// The function attribute holding the messages, in site order.
constexpr llvm::StringLiteral kErrorMessagesAttr = "omc.error_messages";

struct RunTimeErrorSite {
  mlir::Value status; // memref<i32>
  int32_t code;       // what to store there
};

// Registers `message` as a new error site of the function around `op`, creating the
// status buffer at the top of the function on first use.
RunTimeErrorSite addRunTimeErrorSite(mlir::OpBuilder &builder, mlir::Operation *op,
                                     llvm::StringRef message);

// Records `site` as failed: one store, cheap enough for the taken branch of an inner loop.
void reportRunTimeError(mlir::OpBuilder &builder, mlir::Location loc, RunTimeErrorSite site);

// After conversion: turns `func`'s status buffer, if it has one, into its last argument.
void exposeStatusBuffer(mlir::func::FuncOp func);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_RUNTIMEERRORS_H
