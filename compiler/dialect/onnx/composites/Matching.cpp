//===- Matching.cpp - small matchers the composite patterns share -------------===//

#include "compiler/dialect/onnx/composites/Matching.h"

#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc::onnx::composites {

std::optional<double> splatValue(Value value) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

bool isSplatNear(Value value, double expected, double relativeTolerance) {
  auto actual = splatValue(value);
  return actual && std::abs(*actual - expected) <= relativeTolerance * std::abs(expected);
}

template <typename OpT>
static void collectLeaves(Value value, bool isRoot, SmallVectorImpl<Value> &leaves) {
  auto op = value.getDefiningOp<OpT>();
  if (!op || (!isRoot && !value.hasOneUse())) {
    leaves.push_back(value);
    return;
  }
  collectLeaves<OpT>(op->getOperand(0), false, leaves);
  collectLeaves<OpT>(op->getOperand(1), false, leaves);
}

SmallVector<Value> mulLeaves(Value root) {
  SmallVector<Value> leaves;
  collectLeaves<MulOp>(root, true, leaves);
  return leaves;
}

SmallVector<Value> addLeaves(Value root) {
  SmallVector<Value> leaves;
  collectLeaves<AddOp>(root, true, leaves);
  return leaves;
}

std::optional<Value> takeLeaf(SmallVectorImpl<Value> &leaves,
                              llvm::function_ref<bool(Value)> predicate) {
  for (auto it = leaves.begin(); it != leaves.end(); ++it) {
    if (predicate(*it)) {
      Value found = *it;
      leaves.erase(it);
      return found;
    }
  }
  return std::nullopt;
}

std::optional<Reduction> reductionOf(Operation *op) {
  if (!op || op->getNumOperands() == 0)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto keepDims = op->getAttrOfType<IntegerAttr>("keepdims");
  if (!type)
    return std::nullopt;
  SmallVector<int64_t> axes;
  if (auto attr = op->getAttrOfType<ArrayAttr>("axes")) {
    for (Attribute a : attr)
      axes.push_back(cast<IntegerAttr>(a).getInt());
  } else if (op->getNumOperands() > 1 && !isa<NoneType>(op->getOperand(1).getType())) {
    Attribute attr;
    if (!matchPattern(op->getOperand(1), m_Constant(&attr)))
      return std::nullopt;
    auto ints = folding::getInts(attr);
    if (!ints)
      return std::nullopt;
    axes = *ints;
  } else {
    return std::nullopt; // all axes: no composite here reduces everything
  }
  int64_t rank = type.getRank();
  for (int64_t &axis : axes) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    if (axis < 0)
      axis += rank;
  }
  return Reduction{axes, !keepDims || keepDims.getInt() != 0};
}

bool isTrailing(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> sorted(axes);
  llvm::sort(sorted);
  for (auto [i, axis] : llvm::enumerate(sorted))
    if (axis != rank - static_cast<int64_t>(sorted.size()) + static_cast<int64_t>(i))
      return false;
  return !sorted.empty();
}

} // namespace omc::onnx::composites
