//===- LoopNests.h - what the GPU mappings of parallel loop nests share -------===//
#ifndef OMC_TARGETS_NVPTX_LOOPNESTS_H
#define OMC_TARGETS_NVPTX_LOOPNESTS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace omc::nvptx {

// `root` and the scf.parallel ops perfectly nested in it (without reductions) whose
// bounds do not depend on the outer ones, outermost first; the last one's body is
// the work of one iteration of the nest.
llvm::SmallVector<mlir::scf::ParallelOp> perfectlyNestedParallels(mlir::scf::ParallelOp root);

// The dims of a nest, outermost first, as if it were one scf.parallel.
struct NestDims {
  llvm::SmallVector<mlir::Value> lowerBounds, upperBounds, steps, inductionVars;
};
NestDims dimsOf(llvm::ArrayRef<mlir::scf::ParallelOp> nest);
NestDims dimsOf(llvm::ArrayRef<mlir::scf::ForOp> nest);

// Whether two index lists name the same element of one memref: the same values, or
// equal constants (lowering makes a constant per use).
bool sameIndices(mlir::ValueRange a, mlir::ValueRange b);

// ceil(a / b) for index values a >= 0, b > 0.
mlir::Value ceilDivIndex(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value a,
                         mlir::Value b);

// A loop dim's trip count: ceil((ub - lb) / step), 0 for an empty range.
mlir::Value tripCount(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value lb,
                      mlir::Value ub, mlir::Value step);

// The number of iterations of a nest of dims: each dim's trip count, appended to
// `tripCounts`, multiplied together.
mlir::Value iterationCount(mlir::OpBuilder &builder, mlir::Location loc, mlir::ValueRange lbs,
                           mlir::ValueRange ubs, mlir::ValueRange steps,
                           llvm::SmallVectorImpl<mlir::Value> &tripCounts);

// The same as a number, when every bound is a constant.
std::optional<int64_t> constantIterationCount(mlir::ValueRange lbs, mlir::ValueRange ubs,
                                              mlir::ValueRange steps);

// Maps each of a nest's induction vars (outermost first) to its value at iteration
// `linear` of the nest, numbered with the last dim fastest: the var's lower bound
// plus its position in its dim times its step.
void mapDelinearized(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value linear,
                     mlir::ArrayRef<mlir::Value> tripCounts,
                     mlir::ArrayRef<mlir::Value> lowerBounds, mlir::ArrayRef<mlir::Value> steps,
                     mlir::ValueRange inductionVars, mlir::IRMapping &mapping);

// An scf.if on `total` > 0, with `builder` moved into it: CUDA rejects a grid of no
// blocks, so a launch over `total` iterations goes inside.
void enterIfAnyIteration(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value total);

} // namespace omc::nvptx

#endif // OMC_TARGETS_NVPTX_LOOPNESTS_H
