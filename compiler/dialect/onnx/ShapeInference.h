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

// What is known of the values of a small integer tensor of rank 0 or 1 (a shape, or
// an entry of one): one entry per element, ShapedType::kDynamic where it is known only
// when the model runs. Nothing when the value is not such a tensor.
std::optional<llvm::SmallVector<int64_t>> knownInts(mlir::Value value, int depth = 0);

} // namespace omc::onnx

#endif // OMC_COMPILER_DIALECT_ONNX_SHAPEINFERENCE_H
