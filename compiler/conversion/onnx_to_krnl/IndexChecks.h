//===- IndexChecks.h - indices read from tensors, checked while the model runs ===//
//
// Gather, GatherElements, GatherND and the scatters read indices from a tensor the
// caller gives. Each index is counted from the end when negative and then checked
// against its data dim; one out of range reports the lowering's error site (see
// RunTimeErrors.h) and touches no memory, so the run ends with a clear error, not a
// stray read or write.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_INDEXCHECKS_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_INDEXCHECKS_H

#include "compiler/conversion/onnx_to_krnl/RunTimeErrors.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace omc {

// How a run-time message names `op`: "GatherND node 'pick'", or "GatherND" when the
// node has no name.
std::string describeNode(mlir::Operation *op);

// `index` (of index type) with a negative one counted from the end of `dim`, and an i1
// that is true when the result lies in [0, dim).
struct CheckedIndex {
  mlir::Value index;
  mlir::Value inRange;
};
CheckedIndex checkIndex(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value index,
                        mlir::Value dim);

// The i1 that is true when every one of `checks` is in range.
mlir::Value allInRange(mlir::OpBuilder &builder, mlir::Location loc,
                       llvm::ArrayRef<CheckedIndex> checks);

// Loads `memref` at `at` when `inRange`; otherwise reports `site` and gives 0.
mlir::Value loadIfInRange(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value inRange,
                          mlir::Value memref, mlir::ValueRange at, RunTimeErrorSite site);

// Runs `body` when `inRange`; otherwise reports `site`.
void ifInRange(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value inRange,
               RunTimeErrorSite site,
               llvm::function_ref<void(mlir::OpBuilder &, mlir::Location)> body);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_INDEXCHECKS_H
