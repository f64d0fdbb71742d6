//===- Matching.h - small matchers the composite patterns share ---------------===//
//
// Exported models spell one computation in many orders (0.5 * x * y, x * (y * 0.5),
// ...). The patterns flatten chains of one commutative op into their leaves and look
// for the pieces among them, rather than matching one fixed tree.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_COMPOSITES_MATCHING_H
#define OMC_COMPILER_DIALECT_ONNX_COMPOSITES_MATCHING_H

#include <optional>

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace omc::onnx::composites {

// The value of a constant whose elements are all one float (a scalar or a splat).
std::optional<double> splatValue(mlir::Value value);

// Whether `value` is such a constant within a relative tolerance of `expected`.
bool isSplatNear(mlir::Value value, double expected, double relativeTolerance = 1e-3);

// The leaves of a tree of onnx.Mul (or onnx.Add) rooted at `root`: inner nodes other
// than the root are entered only when the tree is their one use.
llvm::SmallVector<mlir::Value> mulLeaves(mlir::Value root);
llvm::SmallVector<mlir::Value> addLeaves(mlir::Value root);

// Removes and returns the first leaf satisfying `predicate`.
std::optional<mlir::Value> takeLeaf(llvm::SmallVectorImpl<mlir::Value> &leaves,
                                    llvm::function_ref<bool(mlir::Value)> predicate);

// The axes of a reduction (attribute or constant input), normalized to [0, rank), and
// whether it keeps the reduced dims. Nothing when unknown.
struct Reduction {
  llvm::SmallVector<int64_t> axes;
  bool keepDims;
};
std::optional<Reduction> reductionOf(mlir::Operation *op);

// Whether `axes` are the last axes of a rank-`rank` tensor, in order.
bool isTrailing(llvm::ArrayRef<int64_t> axes, int64_t rank);

} // namespace omc::onnx::composites

#endif // OMC_COMPILER_DIALECT_ONNX_COMPOSITES_MATCHING_H
