//===- StatusBuffer.h - the run-time error status buffer in parallel loops ----===//
//
// A graph that checks values while it runs (compiler/conversion/onnx_to_krnl/
// RunTimeErrors.h) takes a memref<i32> status buffer as its last argument and
// carries the messages in `omc.error_messages`. Kernels may set it: every store
// there is an error code that only the entry point reads, after the graph returns,
// so iterations that store to it stay independent (any failing site's code is a
// right answer), and it must come back to the caller's memory at the end.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_PARALLEL_STATUSBUFFER_H
#define OMC_COMPILER_PARALLEL_STATUSBUFFER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace omc {

// Whether `value` is the status buffer argument of the function around it.
inline bool isStatusBuffer(mlir::Value value) {
  auto argument = mlir::dyn_cast<mlir::BlockArgument>(value);
  if (!argument)
    return false;
  auto func =
      mlir::dyn_cast_or_null<mlir::func::FuncOp>(argument.getOwner()->getParentOp());
  if (!func || func.isExternal() || argument.getOwner() != &func.getBody().front() ||
      !func->hasAttr("omc.error_messages") ||
      argument.getArgNumber() + 1 != func.getNumArguments())
    return false;
  auto type = mlir::dyn_cast<mlir::MemRefType>(value.getType());
  return type && type.getRank() == 0 && type.getElementType().isInteger(32);
}

} // namespace omc

#endif // OMC_COMPILER_PARALLEL_STATUSBUFFER_H
