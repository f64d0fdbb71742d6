//===- ConstantFolding.cpp - evaluating onnx ops on constant tensors ----------===//

#include "compiler/dialect/onnx/ConstantFolding.h"

#include <algorithm>

#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace omc::onnx::folding {

std::optional<SmallVector<int64_t>> getInts(Attribute attr) {
  auto elements = dyn_cast_or_null<DenseIntElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  SmallVector<int64_t> values;
  bool isUnsigned = elements.getElementType().isUnsignedInteger();
  for (const APInt &value : elements.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                                : value.getSExtValue());
  return values;
}

DenseElementsAttr intsAttr(ArrayRef<int64_t> values, ArrayRef<int64_t> shape, Type elementType) {
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> bits;
  for (int64_t value : values)
    bits.push_back(APInt(width, static_cast<uint64_t>(value), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return DenseElementsAttr::get(RankedTensorType::get(shape, elementType), bits);
}

ShapeDims shapeDims(int64_t start, std::optional<int64_t> end, int64_t rank) {
  auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  int64_t first = clamp(start);
  return {first, std::max(first, end ? clamp(*end) : rank)};
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

SliceRange sliceRange(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return {start, end > start ? (end - start + step - 1) / step : 0};
  }
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  return {start, start > end ? (start - end - step - 1) / -step : 0};
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

bool smallEnough(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (ShapedType::isDynamic(dim) || dim < 0)
      return false;
    count *= dim;
    if (count > kMaxFoldedElements)
      return false;
  }
  return true;
}

DenseElementsAttr remap(DenseElementsAttr source, ArrayRef<int64_t> shape,
                        llvm::function_ref<int64_t(ArrayRef<int64_t>)> sourceIndex) {
  if (!smallEnough(shape))
    return {};
  auto type = RankedTensorType::get(shape, source.getElementType());
  int64_t count = type.getNumElements();
  int64_t sourceCount = source.getNumElements();
  auto values = source.getValues<Attribute>();
  SmallVector<Attribute> result;
  result.reserve(count);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t from = sourceIndex(index);
    if (from < 0 || from >= sourceCount)
      return {};
    result.push_back(values[from]);
    // Next index, row-major.
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

int64_t broadcastIndex(ArrayRef<int64_t> resultIndex, ArrayRef<int64_t> operandShape) {
  size_t offset = resultIndex.size() - operandShape.size();
  int64_t linear = 0;
  for (size_t d = 0; d < operandShape.size(); ++d)
    linear = linear * operandShape[d] + (operandShape[d] == 1 ? 0 : resultIndex[offset + d]);
  return linear;
}

DenseElementsAttr foldBroadcast(DenseElementsAttr lhs, DenseElementsAttr rhs,
                                Type resultElementType,
                                llvm::function_ref<Attribute(Attribute, Attribute)> combine) {
  ArrayRef<int64_t> lhsShape = lhs.getType().getShape(), rhsShape = rhs.getType().getShape();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsShape, rhsShape, shape) || !smallEnough(shape))
    return {};
  auto type = RankedTensorType::get(shape, resultElementType);
  auto lhsValues = lhs.getValues<Attribute>();
  auto rhsValues = rhs.getValues<Attribute>();
  SmallVector<Attribute> result;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0, count = type.getNumElements(); linear < count; ++linear) {
    Attribute value = combine(lhsValues[broadcastIndex(index, lhsShape)],
                              rhsValues[broadcastIndex(index, rhsShape)]);
    if (!value)
      return {};
    result.push_back(value);
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

} // namespace omc::onnx::folding
