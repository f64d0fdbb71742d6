//===- ConstantFolding.h - evaluating onnx ops on constant tensors ------------===//
//
// The pieces the ops' fold() hooks share: reading small integer tensors (shapes, axes,
// indices), and building a constant of a given shape element by element from others
// (data movement such as Gather or Concat, and broadcasting arithmetic). Folding stops
// at kMaxFoldedElements so that a model's weights are never duplicated by folding.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_CONSTANTFOLDING_H
#define OMC_COMPILER_DIALECT_ONNX_CONSTANTFOLDING_H

#include <optional>

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace omc::onnx::folding {

constexpr int64_t kMaxFoldedElements = 1 << 16;

// The values of an integer elements attribute, or nothing.
std::optional<llvm::SmallVector<int64_t>> getInts(mlir::Attribute attr);

// A dense attribute of `shape` over `elementType` (an integer type) holding `values`.
mlir::DenseElementsAttr intsAttr(llvm::ArrayRef<int64_t> values, llvm::ArrayRef<int64_t> shape,
                                 mlir::Type elementType);

// The dims [first, last) of a rank-`rank` input that onnx.Shape's `start` and `end` (no
// end: the rank) take: negative ones count from the end, both are clamped into [0, rank],
// and last is never below first.
struct ShapeDims {
  int64_t first, last;
};
ShapeDims shapeDims(int64_t start, std::optional<int64_t> end, int64_t rank);

// A dim index that may count from the end (-1 is the last), in [0, rank); nothing when
// out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

// Where Slice starts along a dim of size `dim` and how many elements it takes, for
// ONNX's start/end/step (negative ones count from the end; both are clamped).
struct SliceRange {
  int64_t first;
  int64_t count;
};
SliceRange sliceRange(int64_t dim, int64_t start, int64_t end, int64_t step);

// Row-major strides of `shape`, in elements.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

// Whether a result of `shape` is small enough to fold.
bool smallEnough(llvm::ArrayRef<int64_t> shape);

// A constant of `shape` over `source`'s element type whose element at each index is
// source's element at sourceIndex(index) (a linear index into source).
mlir::DenseElementsAttr
remap(mlir::DenseElementsAttr source, llvm::ArrayRef<int64_t> shape,
      llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex);

// The linear index into an operand of `operandShape` that numpy broadcasting reads
// for `resultIndex`.
int64_t broadcastIndex(llvm::ArrayRef<int64_t> resultIndex, llvm::ArrayRef<int64_t> operandShape);

// Elementwise `combine` of two broadcast operands; `resultElementType` is the result's
// (i1 for comparisons). Null when the shapes do not broadcast, a value is of a kind
// `combine` does not handle (it returns null), or the result is too large.
mlir::DenseElementsAttr
foldBroadcast(mlir::DenseElementsAttr lhs, mlir::DenseElementsAttr rhs, mlir::Type resultElementType,
              llvm::function_ref<mlir::Attribute(mlir::Attribute, mlir::Attribute)> combine);

} // namespace omc::onnx::folding

#endif // OMC_COMPILER_DIALECT_ONNX_CONSTANTFOLDING_H
