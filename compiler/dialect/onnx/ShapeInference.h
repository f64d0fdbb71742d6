//===- ShapeInference.h - helpers for refining onnx result types --------------===//
#ifndef OMC_COMPILER_DIALECT_ONNX_SHAPEINFERENCE_H
#define OMC_COMPILER_DIALECT_ONNX_SHAPEINFERENCE_H

#include <optional>

#include "mlir/IR/Operation.h"

namespace omc::onnx {

// Sets `result` (a tensor) to `shape`, keeping its element type and every static dim it
// already has. Fails with a diagnostic on a rank or dim that contradicts the result.
mlir::LogicalResult refineShape(mlir::Operation *op, mlir::Value result,
                                llvm::ArrayRef<int64_t> shape);

// The shape of a ranked tensor value.
std::optional<llvm::ArrayRef<int64_t>> rankedShape(mlir::Value value);

// `result` gets the numpy broadcast of the operands' shapes (none operands skipped).
mlir::LogicalResult inferBroadcast(mlir::Operation *op, mlir::ValueRange operands,
                                   mlir::Value result);

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_SHAPEINFERENCE_H
