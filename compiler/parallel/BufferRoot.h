//===- BufferRoot.h - the buffer a memref value views ---------------------------===//
//
// Loop analyses ask whether two accesses can reach the same memory, and whether a
// buffer was allocated inside a loop; both look through views (subview, reinterpret_cast,
// collapse_shape, ...) to the allocation or argument underneath.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_PARALLEL_BUFFERROOT_H
#define OMC_COMPILER_PARALLEL_BUFFERROOT_H

#include "mlir/IR/Value.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace omc {

// The value `value` is a view of, through any chain of view-like ops.
inline mlir::Value bufferRoot(mlir::Value value) {
  while (mlir::Operation *def = value.getDefiningOp()) {
    auto view = mlir::dyn_cast<mlir::ViewLikeOpInterface>(def);
    if (!view)
      break;
    value = view.getViewSource();
  }
  return value;
}

} // namespace omc

#endif // OMC_COMPILER_PARALLEL_BUFFERROOT_H
