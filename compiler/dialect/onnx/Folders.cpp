//===- Folders.cpp - fold() of onnx ops ---------------------------------------===//
//
// Two kinds of folding, both small: no-ops (a Cast to the same type, a Reshape or
// Transpose that changes nothing) fold to their input, and ops whose inputs are small
// constants fold to a constant. The second is what turns the shape computations of
// exported models (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) into constants
// once the input shapes are known.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APSInt.h"

#include <cmath>

using namespace mlir;
using namespace omc::onnx::folding;

namespace omc::onnx {

static DenseElementsAttr dense(Attribute attr) {
  return dyn_cast_or_null<DenseElementsAttr>(attr);
}

static RankedTensorType staticType(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.hasStaticShape() ? ranked : RankedTensorType();
}

//===----------------------------------------------------------------------===//
// Shapes of known tensors
//===----------------------------------------------------------------------===//

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto type = dyn_cast<RankedTensorType>(getData().getType());
  if (!type)
    return {};
  int64_t rank = type.getRank();
  folding::ShapeDims taken = folding::shapeDims(getStart(), getEnd(), rank);
  SmallVector<int64_t> dims;
  for (int64_t d = taken.first; d < taken.last; ++d) {
    if (type.isDynamicDim(d))
      return {};
    dims.push_back(type.getDimSize(d));
  }
  return intsAttr(dims, {static_cast<int64_t>(dims.size())},
                  IntegerType::get(getContext(), 64));
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto type = staticType(getData().getType());
  if (!type)
    return {};
  return intsAttr({type.getNumElements()}, {}, IntegerType::get(getContext(), 64));
}

//===----------------------------------------------------------------------===//
// Data movement on small constants
//===----------------------------------------------------------------------===//

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto data = dense(adaptor.getData());
  auto indices = getInts(adaptor.getIndices());
  if (!data || !indices)
    return {};
  ArrayRef<int64_t> dataShape = data.getType().getShape();
  auto axis = normalizeAxis(getAxis(), dataShape.size());
  if (!axis)
    return {};
  int64_t axisDim = dataShape[*axis];
  ArrayRef<int64_t> indexShape = cast<DenseElementsAttr>(adaptor.getIndices()).getType().getShape();
  SmallVector<int64_t> shape(dataShape.begin(), dataShape.begin() + *axis);
  shape.append(indexShape.begin(), indexShape.end());
  shape.append(dataShape.begin() + *axis + 1, dataShape.end());
  SmallVector<int64_t> dataStrides = stridesOf(dataShape), indexStrides = stridesOf(indexShape);
  return remap(data, shape, [&](ArrayRef<int64_t> index) -> int64_t {
    int64_t position = 0;
    for (size_t i = 0; i < indexShape.size(); ++i)
      position += index[*axis + i] * indexStrides[i];
    int64_t selected = (*indices)[position];
    if (selected < 0)
      selected += axisDim;
    if (selected < 0 || selected >= axisDim)
      return -1;
    int64_t linear = selected * dataStrides[*axis];
    for (int64_t d = 0; d < *axis; ++d)
      linear += index[d] * dataStrides[d];
    for (size_t d = *axis + 1; d < dataShape.size(); ++d)
      linear += index[d - 1 + indexShape.size()] * dataStrides[d];
    return linear;
  });
}

// Unsqueeze and Squeeze keep the elements in order: a constant is just reshaped.
static OpFoldResult reshapeConstant(Attribute data, ArrayRef<int64_t> shape) {
  auto elements = dense(data);
  if (!elements || !smallEnough(shape))
    return {};
  return elements.reshape(RankedTensorType::get(shape, elements.getElementType()));
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  auto data = dense(adaptor.getData());
  auto axes = getInts(adaptor.getAxes());
  if (!data || !axes)
    return {};
  int64_t rank = data.getType().getRank() + axes->size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t axis : *axes) {
    auto normalized = normalizeAxis(axis, rank);
    if (!normalized || isNew[*normalized])
      return {};
    isNew[*normalized] = true;
  }
  SmallVector<int64_t> shape;
  auto dims = data.getType().getShape();
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(isNew[d] ? 1 : dims[next++]);
  return reshapeConstant(data, shape);
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  auto data = dense(adaptor.getData());
  if (!data)
    return {};
  auto dims = data.getType().getShape();
  SmallVector<bool> drop(dims.size(), false);
  if (isa<NoneType>(getAxes().getType())) {
    for (auto [d, dim] : llvm::enumerate(dims))
      drop[d] = dim == 1;
  } else {
    auto axes = getInts(adaptor.getAxes());
    if (!axes)
      return {};
    for (int64_t axis : *axes) {
      auto normalized = normalizeAxis(axis, dims.size());
      if (!normalized || dims[*normalized] != 1)
        return {};
      drop[*normalized] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (auto [d, dim] : llvm::enumerate(dims))
    if (!drop[d])
      shape.push_back(dim);
  return reshapeConstant(data, shape);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    auto elements = dense(attr);
    if (!elements)
      return {};
    inputs.push_back(elements);
  }
  if (inputs.empty())
    return {};
  ArrayRef<int64_t> first = inputs[0].getType().getShape();
  auto axis = normalizeAxis(getAxis(), first.size());
  if (!axis)
    return {};
  SmallVector<int64_t> shape(first);
  shape[*axis] = 0;
  SmallVector<int64_t> starts; // where each input begins along the axis
  for (DenseElementsAttr input : inputs) {
    ArrayRef<int64_t> dims = input.getType().getShape();
    if (dims.size() != first.size() || input.getElementType() != inputs[0].getElementType())
      return {};
    for (size_t d = 0; d < dims.size(); ++d)
      if (d != static_cast<size_t>(*axis) && dims[d] != first[d])
        return {};
    starts.push_back(shape[*axis]);
    shape[*axis] += dims[*axis];
  }
  if (!smallEnough(shape))
    return {};
  // Gather every input's values into one list, then pick by (input, index).
  SmallVector<Attribute> all;
  SmallVector<int64_t> offsets;
  for (DenseElementsAttr input : inputs) {
    offsets.push_back(all.size());
    auto values = input.getValues<Attribute>();
    all.append(values.begin(), values.end());
  }
  auto flat = DenseElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(all.size())}, inputs[0].getElementType()), all);
  return remap(flat, shape, [&](ArrayRef<int64_t> index) -> int64_t {
    size_t which = std::upper_bound(starts.begin(), starts.end(), index[*axis]) - starts.begin() - 1;
    ArrayRef<int64_t> dims = inputs[which].getType().getShape();
    int64_t linear = 0;
    for (size_t d = 0; d < dims.size(); ++d) {
      int64_t i = d == static_cast<size_t>(*axis) ? index[d] - starts[which] : index[d];
      linear = linear * dims[d] + i;
    }
    return offsets[which] + linear;
  });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto data = dense(adaptor.getData());
  auto starts = getInts(adaptor.getStarts());
  auto ends = getInts(adaptor.getEnds());
  if (!data || !starts || !ends || starts->size() != ends->size())
    return {};
  ArrayRef<int64_t> dims = data.getType().getShape();
  int64_t rank = dims.size();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (isa<NoneType>(getAxes().getType())) {
    for (size_t i = 0; i < starts->size(); ++i)
      axes.push_back(i);
  } else if (auto values = getInts(adaptor.getAxes())) {
    axes = *values;
  } else {
    return {};
  }
  if (!isa<NoneType>(getSteps().getType())) {
    auto values = getInts(adaptor.getSteps());
    if (!values)
      return {};
    steps = *values;
  }
  if (axes.size() != starts->size() || steps.size() != starts->size())
    return {};
  // Per dim: first index and step (ONNX clamps starts and ends into the dim).
  SmallVector<int64_t> first(rank, 0), step(rank, 1), shape(dims);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = normalizeAxis(axes[i], rank);
    if (!axis || steps[i] == 0)
      return {};
    SliceRange range = sliceRange(dims[*axis], (*starts)[i], (*ends)[i], steps[i]);
    shape[*axis] = range.count;
    first[*axis] = range.first;
    step[*axis] = steps[i];
  }
  SmallVector<int64_t> strides = stridesOf(dims);
  return remap(data, shape, [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (int64_t d = 0; d < rank; ++d)
      linear += (first[d] + index[d] * step[d]) * strides[d];
    return linear;
  });
}

// The target shape of Reshape: 0 copies the input dim (unless allowzero), -1 takes what
// is left.
static std::optional<SmallVector<int64_t>> reshapeTarget(ArrayRef<int64_t> input,
                                                         ArrayRef<int64_t> requested,
                                                         bool allowZero) {
  SmallVector<int64_t> shape;
  int64_t known = 1, inferred = -1, total = 1;
  for (int64_t dim : input)
    total *= dim;
  for (auto [i, requestedDim] : llvm::enumerate(requested)) {
    int64_t dim = requestedDim;
    if (dim == 0 && !allowZero) {
      if (i >= input.size())
        return std::nullopt;
      dim = input[i];
    }
    if (dim == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
    } else if (dim < 0) {
      return std::nullopt;
    } else {
      known *= dim;
    }
    shape.push_back(dim);
  }
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return std::nullopt;
    shape[inferred] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return shape;
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  auto inputType = staticType(getData().getType());
  if (inputType && inputType == getType())
    return getData();
  auto data = dense(adaptor.getData());
  auto requested = getInts(adaptor.getShape());
  if (!data || !requested)
    return {};
  auto shape = reshapeTarget(data.getType().getShape(), *requested, getAllowzero() != 0);
  if (!shape)
    return {};
  return reshapeConstant(data, *shape);
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  auto input = dense(adaptor.getInput());
  auto requested = getInts(adaptor.getShape());
  if (!input || !requested)
    return {};
  ArrayRef<int64_t> dims = input.getType().getShape();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(dims, *requested, shape))
    return {};
  return remap(input, shape, [&](ArrayRef<int64_t> index) { return broadcastIndex(index, dims); });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  auto type = dyn_cast<RankedTensorType>(getData().getType());
  if (!type)
    return {};
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm;
  if (auto attr = getPerm()) {
    for (Attribute a : *attr)
      perm.push_back(cast<IntegerAttr>(a).getInt());
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  if (static_cast<int64_t>(perm.size()) != rank)
    return {};
  if (llvm::equal(perm, llvm::seq<int64_t>(0, rank)) && getData().getType() == getType())
    return getData();
  auto data = dense(adaptor.getData());
  if (!data)
    return {};
  ArrayRef<int64_t> dims = data.getType().getShape();
  SmallVector<int64_t> shape, strides = stridesOf(dims);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank)
      return {};
    shape.push_back(dims[p]);
  }
  return remap(data, shape, [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (int64_t d = 0; d < rank; ++d)
      linear += index[d] * strides[perm[d]];
    return linear;
  });
}

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor adaptor) {
  auto shape = getInts(adaptor.getInput());
  if (!shape || !smallEnough(*shape))
    return {};
  Attribute element = FloatAttr::get(Float32Type::get(getContext()), 0.0);
  if (auto value = getValue()) {
    auto elements = dyn_cast<DenseElementsAttr>(*value);
    if (!elements || elements.getNumElements() != 1)
      return {};
    element = *elements.getValues<Attribute>().begin();
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  return DenseElementsAttr::get(type, element);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto start = dense(adaptor.getStart()), limit = dense(adaptor.getLimit()),
       delta = dense(adaptor.getDelta());
  if (!start || !limit || !delta)
    return {};
  Type elementType = start.getElementType();
  if (auto ints = getInts(start)) {
    int64_t s = (*ints)[0], l = (*getInts(limit))[0], d = (*getInts(delta))[0];
    if (d == 0)
      return {};
    int64_t count = std::max<int64_t>(0, (l - s + d + (d > 0 ? -1 : 1)) / d);
    if (!smallEnough({count}))
      return {};
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(s + i * d);
    return intsAttr(values, {count}, elementType);
  }
  if (!isa<FloatType>(elementType))
    return {};
  double s = start.getValues<APFloat>()[0].convertToDouble();
  double l = limit.getValues<APFloat>()[0].convertToDouble();
  double d = delta.getValues<APFloat>()[0].convertToDouble();
  if (d == 0)
    return {};
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((l - s) / d)));
  if (!smallEnough({count}))
    return {};
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(FloatAttr::get(elementType, s + i * d));
  return DenseElementsAttr::get(RankedTensorType::get({count}, elementType), values);
}

//===----------------------------------------------------------------------===//
// Casts and arithmetic on small constants
//===----------------------------------------------------------------------===//

static Attribute castElement(Attribute value, Type to) {
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    bool isUnsigned = i.getType().isUnsignedInteger();
    if (auto toInt = dyn_cast<IntegerType>(to)) {
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, !i.getValue().isZero());
      return IntegerAttr::get(to, isUnsigned ? i.getValue().zextOrTrunc(toInt.getWidth())
                                             : i.getValue().sextOrTrunc(toInt.getWidth()));
    }
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      APFloat f(toFloat.getFloatSemantics());
      f.convertFromAPInt(i.getValue(), /*IsSigned=*/!isUnsigned && i.getType().getIntOrFloatBitWidth() > 1,
                         APFloat::rmNearestTiesToEven);
      return FloatAttr::get(to, f);
    }
  }
  if (auto f = dyn_cast<FloatAttr>(value)) {
    APFloat v = f.getValue();
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      bool lost;
      v.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      return FloatAttr::get(to, v);
    }
    if (auto toInt = dyn_cast<IntegerType>(to)) {
      if (v.isNaN() || v.isInfinity())
        return {};
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, !v.isZero());
      APSInt result(toInt.getWidth(), toInt.isUnsigned());
      bool exact;
      v.convertToInteger(result, APFloat::rmTowardZero, &exact);
      return IntegerAttr::get(to, result);
    }
  }
  return {};
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = dense(adaptor.getInput());
  auto resultType = dyn_cast<ShapedType>(getType());
  if (!input || !resultType || !smallEnough(input.getType().getShape()))
    return {};
  Type to = resultType.getElementType();
  SmallVector<Attribute> values;
  for (Attribute value : input.getValues<Attribute>()) {
    Attribute cast = castElement(value, to);
    if (!cast)
      return {};
    values.push_back(cast);
  }
  return DenseElementsAttr::get(RankedTensorType::get(input.getType().getShape(), to), values);
}

// One binary arithmetic op on ints (signed or unsigned) and floats.
enum class Arith { Add, Sub, Mul, Div };

static Attribute arith(Arith kind, Attribute lhs, Attribute rhs) {
  if (auto a = dyn_cast<IntegerAttr>(lhs)) {
    auto b = dyn_cast<IntegerAttr>(rhs);
    if (!b)
      return {};
    APInt x = a.getValue(), y = b.getValue();
    bool isUnsigned = a.getType().isUnsignedInteger();
    switch (kind) {
    case Arith::Add: return IntegerAttr::get(a.getType(), x + y);
    case Arith::Sub: return IntegerAttr::get(a.getType(), x - y);
    case Arith::Mul: return IntegerAttr::get(a.getType(), x * y);
    case Arith::Div:
      if (y.isZero())
        return {};
      return IntegerAttr::get(a.getType(), isUnsigned ? x.udiv(y) : x.sdiv(y));
    }
  }
  if (auto a = dyn_cast<FloatAttr>(lhs)) {
    auto b = dyn_cast<FloatAttr>(rhs);
    if (!b)
      return {};
    APFloat x = a.getValue();
    const APFloat &y = b.getValue();
    switch (kind) {
    case Arith::Add: x.add(y, APFloat::rmNearestTiesToEven); break;
    case Arith::Sub: x.subtract(y, APFloat::rmNearestTiesToEven); break;
    case Arith::Mul: x.multiply(y, APFloat::rmNearestTiesToEven); break;
    case Arith::Div: x.divide(y, APFloat::rmNearestTiesToEven); break;
    }
    return FloatAttr::get(a.getType(), x);
  }
  return {};
}

static OpFoldResult foldArith(Arith kind, Attribute lhs, Attribute rhs) {
  auto a = dense(lhs), b = dense(rhs);
  if (!a || !b || a.getElementType() != b.getElementType())
    return {};
  return foldBroadcast(a, b, a.getElementType(),
                       [&](Attribute x, Attribute y) { return arith(kind, x, y); });
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldArith(Arith::Add, adaptor.getA(), adaptor.getB());
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldArith(Arith::Sub, adaptor.getA(), adaptor.getB());
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldArith(Arith::Mul, adaptor.getA(), adaptor.getB());
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldArith(Arith::Div, adaptor.getA(), adaptor.getB());
}

// -1, 0, 1 as lhs is less than, equal to or greater than rhs; nothing when unordered.
static std::optional<int> compare(Attribute lhs, Attribute rhs) {
  if (auto a = dyn_cast<IntegerAttr>(lhs)) {
    auto b = dyn_cast<IntegerAttr>(rhs);
    if (!b)
      return std::nullopt;
    bool isUnsigned = a.getType().isUnsignedInteger() || a.getType().isInteger(1);
    APInt x = a.getValue(), y = b.getValue();
    if (x == y)
      return 0;
    return (isUnsigned ? x.ult(y) : x.slt(y)) ? -1 : 1;
  }
  if (auto a = dyn_cast<FloatAttr>(lhs)) {
    auto b = dyn_cast<FloatAttr>(rhs);
    if (!b)
      return std::nullopt;
    switch (a.getValue().compare(b.getValue())) {
    case APFloat::cmpLessThan: return -1;
    case APFloat::cmpEqual: return 0;
    case APFloat::cmpGreaterThan: return 1;
    case APFloat::cmpUnordered: return std::nullopt;
    }
  }
  return std::nullopt;
}

static OpFoldResult foldCompare(Attribute lhs, Attribute rhs, llvm::function_ref<bool(int)> test) {
  auto a = dense(lhs), b = dense(rhs);
  if (!a || !b || a.getElementType() != b.getElementType())
    return {};
  Type i1 = IntegerType::get(a.getContext(), 1);
  return foldBroadcast(a, b, i1, [&](Attribute x, Attribute y) -> Attribute {
    auto order = compare(x, y);
    // NaN compares false with everything.
    return IntegerAttr::get(i1, order && test(*order));
  });
}

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getA(), adaptor.getB(), [](int order) { return order == 0; });
}
OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getA(), adaptor.getB(), [](int order) { return order < 0; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(adaptor.getA(), adaptor.getB(), [](int order) { return order > 0; });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto condition = dense(adaptor.getCondition()), x = dense(adaptor.getX()),
       y = dense(adaptor.getY());
  if (!condition || !x || !y)
    return {};
  SmallVector<int64_t> partial, shape;
  if (!OpTrait::util::getBroadcastedShape(condition.getType().getShape(), x.getType().getShape(),
                                          partial) ||
      !OpTrait::util::getBroadcastedShape(partial, y.getType().getShape(), shape) ||
      !smallEnough(shape))
    return {};
  // Pick from x where the condition holds, else from y: remap over [x ++ y].
  SmallVector<Attribute> both;
  auto xValues = x.getValues<Attribute>(), yValues = y.getValues<Attribute>();
  both.append(xValues.begin(), xValues.end());
  both.append(yValues.begin(), yValues.end());
  auto flat = DenseElementsAttr::get(
      RankedTensorType::get({static_cast<int64_t>(both.size())}, x.getElementType()), both);
  auto conditions = condition.getValues<bool>();
  int64_t xCount = x.getNumElements();
  return remap(flat, shape, [&](ArrayRef<int64_t> index) {
    bool pickX = conditions[broadcastIndex(index, condition.getType().getShape())];
    return pickX ? broadcastIndex(index, x.getType().getShape())
                 : xCount + broadcastIndex(index, y.getType().getShape());
  });
}

//===----------------------------------------------------------------------===//
// Elementwise float functions
//===----------------------------------------------------------------------===//

// Evaluates in double and rounds to the element type, as a float computation in
// the element type would up to the last bit.
static OpFoldResult foldUnaryFloat(Attribute operand, double (*function)(double)) {
  auto input = dyn_cast_or_null<DenseFPElementsAttr>(operand);
  if (!input || !smallEnough(input.getType().getShape()))
    return {};
  auto elementType = cast<FloatType>(input.getElementType());
  SmallVector<APFloat> values;
  for (const APFloat &value : input.getValues<APFloat>()) {
    APFloat result(function(value.convertToDouble()));
    bool lost;
    result.convert(elementType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(result);
  }
  return DenseElementsAttr::get(input.getType(), values);
}

static double relu(double x) { return x > 0 ? x : 0; }
static double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
static double negate(double x) { return -x; }
static double reciprocal(double x) { return 1 / x; }

#define OMC_FOLD_UNARY_FLOAT(OpName, function)                                     \
  OpFoldResult OpName::fold(FoldAdaptor adaptor) {                                 \
    return foldUnaryFloat(adaptor.getOperands()[0], function);                     \
  }
OMC_FOLD_UNARY_FLOAT(AbsOp, static_cast<double (*)(double)>(std::fabs))
OMC_FOLD_UNARY_FLOAT(CeilOp, static_cast<double (*)(double)>(std::ceil))
OMC_FOLD_UNARY_FLOAT(CosOp, static_cast<double (*)(double)>(std::cos))
OMC_FOLD_UNARY_FLOAT(ErfOp, static_cast<double (*)(double)>(std::erf))
OMC_FOLD_UNARY_FLOAT(ExpOp, static_cast<double (*)(double)>(std::exp))
OMC_FOLD_UNARY_FLOAT(FloorOp, static_cast<double (*)(double)>(std::floor))
OMC_FOLD_UNARY_FLOAT(LogOp, static_cast<double (*)(double)>(std::log))
OMC_FOLD_UNARY_FLOAT(NegOp, negate)
OMC_FOLD_UNARY_FLOAT(ReciprocalOp, reciprocal)
OMC_FOLD_UNARY_FLOAT(ReluOp, relu)
OMC_FOLD_UNARY_FLOAT(SigmoidOp, sigmoid)
OMC_FOLD_UNARY_FLOAT(SinOp, static_cast<double (*)(double)>(std::sin))
OMC_FOLD_UNARY_FLOAT(SqrtOp, static_cast<double (*)(double)>(std::sqrt))
OMC_FOLD_UNARY_FLOAT(TanhOp, static_cast<double (*)(double)>(std::tanh))
#undef OMC_FOLD_UNARY_FLOAT

} // namespace omc::onnx
