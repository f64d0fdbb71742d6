//===- ShapeInference.cpp - result types of onnx ops from their operands ------===//
//
// Each op computes what it can about its result shape; refineResult merges that
// with what the result already says (the importer fills it from ONNX's own shape
// inference), keeping every static dim either side knows.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace omc::onnx {

// Sets `result` to a ranked tensor of `shape`, keeping static dims the current type
// already has. Fails (with a diagnostic) when both sides know a dim and disagree.
static LogicalResult refineResult(Operation *op, Value result,
                                  ArrayRef<int64_t> shape, Type elementType) {
  auto current = cast<ShapedType>(result.getType());
  SmallVector<int64_t> merged(shape);
  if (current.hasRank()) {
    if (current.getRank() != static_cast<int64_t>(shape.size()))
      return op->emitOpError() << "result rank " << current.getRank()
                               << " disagrees with inferred rank " << shape.size();
    for (auto [i, dim] : llvm::enumerate(current.getShape())) {
      if (ShapedType::isDynamic(dim))
        continue;
      if (!ShapedType::isDynamic(merged[i]) && merged[i] != dim)
        return op->emitOpError() << "result dim " << i << " is " << dim
                                 << " but inferred " << merged[i];
      merged[i] = dim;
    }
  }
  result.setType(RankedTensorType::get(merged, elementType));
  return success();
}

static LogicalResult inferBroadcast(Operation *op, Value lhs, Value rhs, Value result) {
  auto lhsType = cast<ShapedType>(lhs.getType());
  auto rhsType = cast<ShapedType>(rhs.getType());
  if (!lhsType.hasRank() || !rhsType.hasRank())
    return success();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(), rhsType.getShape(), shape))
    return op->emitOpError() << "operands cannot broadcast";
  return refineResult(op, result, shape, lhsType.getElementType());
}

LogicalResult AddOp::inferShapes() { return inferBroadcast(*this, getA(), getB(), getC()); }
LogicalResult SubOp::inferShapes() { return inferBroadcast(*this, getA(), getB(), getC()); }
LogicalResult MulOp::inferShapes() { return inferBroadcast(*this, getA(), getB(), getC()); }
LogicalResult DivOp::inferShapes() { return inferBroadcast(*this, getA(), getB(), getC()); }

static LogicalResult inferSameShape(Operation *op, Value input, Value result) {
  // Identity also passes sequences and optionals through: nothing to refine there.
  auto type = dyn_cast<ShapedType>(input.getType());
  if (!type || !type.hasRank())
    return success();
  return refineResult(op, result, type.getShape(), type.getElementType());
}

LogicalResult ReluOp::inferShapes() { return inferSameShape(*this, getX(), getY()); }
LogicalResult IdentityOp::inferShapes() {
  return inferSameShape(*this, getInput(), getOutput());
}

// numpy.matmul: 1-D operands are promoted to matrices and the promoted dim dropped
// again; batch dims broadcast.
LogicalResult MatMulOp::inferShapes() {
  auto aType = cast<ShapedType>(getA().getType());
  auto bType = cast<ShapedType>(getB().getType());
  if (!aType.hasRank() || !bType.hasRank())
    return success();
  ArrayRef<int64_t> a = aType.getShape(), b = bType.getShape();
  SmallVector<int64_t> aBatch, bBatch, shape;
  if (a.size() > 2)
    aBatch.assign(a.begin(), a.end() - 2);
  if (b.size() > 2)
    bBatch.assign(b.begin(), b.end() - 2);
  if (!OpTrait::util::getBroadcastedShape(aBatch, bBatch, shape))
    return emitOpError() << "batch dims cannot broadcast";
  if (a.size() >= 2)
    shape.push_back(a[a.size() - 2]);
  if (b.size() >= 2)
    shape.push_back(b.back());
  return refineResult(*this, getY(), shape, aType.getElementType());
}

LogicalResult GemmOp::inferShapes() {
  auto aType = cast<ShapedType>(getA().getType());
  auto bType = cast<ShapedType>(getB().getType());
  if (!aType.hasRank() || !bType.hasRank())
    return success();
  int64_t m = aType.getShape()[getTransA() ? 1 : 0];
  int64_t n = bType.getShape()[getTransB() ? 0 : 1];
  return refineResult(*this, getY(), {m, n}, aType.getElementType());
}

LogicalResult ConstantOp::inferShapes() {
  auto type = getValue().getShapedType();
  return refineResult(*this, getOutput(), type.getShape(), type.getElementType());
}


} // namespace omc::onnx
