//===- BufferRoot.h - the buffer a memref value views ---------------------------===//
//
// Loop analyses ask whether two accesses can reach the same memory, and whether a
// buffer was allocated inside a loop; both look through views (subview, reinterpret_cast,
// collapse_shape, ...) to the allocation or argument underneath.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_PARALLEL_BUFFERROOT_H
#define OMC_COMPILER_PARALLEL_BUFFERROOT_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Value.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace omc {

// The value `value` is a view of, through any chain of view-like ops. memref.transpose
// is a view as well, though it does not say so (no ViewLikeOpInterface): a Gemm's
// transposed B, read through it, is its weight's memory.
inline mlir::Value bufferRoot(mlir::Value value) {
  while (mlir::Operation *def = value.getDefiningOp()) {
    if (auto view = mlir::dyn_cast<mlir::ViewLikeOpInterface>(def))
      value = view.getViewSource();
    else if (auto transpose = mlir::dyn_cast<mlir::memref::TransposeOp>(def))
      value = transpose.getIn();
    else
      break;
  }
  return value;
}

} // namespace omc

#endif // OMC_COMPILER_PARALLEL_BUFFERROOT_H
