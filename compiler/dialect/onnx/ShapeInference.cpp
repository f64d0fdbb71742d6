//===- ShapeInference.cpp - result shapes of onnx ops from their operands -----===//
//
// Each op computes what it can about its result shapes; refineShape merges that with
// what the result already says (the importer fills it from ONNX's own shape
// inference), keeping every static dim either side knows and the element type the
// result has. Ops whose result simply has their input's shape, or the broadcast of
// their inputs' shapes, carry the SameShapeAsInput / BroadcastingResult traits and are
// handled by the pass; the rest implement ShapeInferenceOpInterface here.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ShapeInference.h"

#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc::onnx {

LogicalResult refineShape(Operation *op, Value result, ArrayRef<int64_t> shape) {
  auto current = dyn_cast<TensorType>(result.getType());
  if (!current)
    return success(); // none, sequences and optionals keep their types
  SmallVector<int64_t> merged(shape);
  if (current.hasRank()) {
    if (current.getRank() != static_cast<int64_t>(shape.size()))
      return op->emitOpError() << "result has rank " << current.getRank()
                               << " but its operands give rank " << shape.size();
    for (auto [i, dim] : llvm::enumerate(current.getShape())) {
      if (ShapedType::isDynamic(dim))
        continue;
      if (!ShapedType::isDynamic(merged[i]) && merged[i] != dim)
        return op->emitOpError() << "result dim " << i << " is " << dim
                                 << " but its operands give " << merged[i];
      merged[i] = dim;
    }
  }
  // A shape computed from a stranger's constants may be negative or beyond any memory
  // (2^47 bytes, x86-64's user address space): say so here rather than fail to allocate.
  int64_t bytes = 1;
  Type element = current.getElementType();
  int64_t elementBytes = element.isIntOrFloat() ? std::max(1u, element.getIntOrFloatBitWidth() / 8)
                                                : 16;
  bool fits = !__builtin_mul_overflow(bytes, elementBytes, &bytes);
  for (auto [i, dim] : llvm::enumerate(merged)) {
    if (ShapedType::isDynamic(dim))
      continue;
    if (dim < 0)
      return op->emitOpError() << "result dim " << i << " is negative (" << dim << ")";
    fits = fits && !__builtin_mul_overflow(bytes, dim, &bytes);
  }
  if (!fits || bytes > (int64_t(1) << 47))
    return op->emitOpError() << "result of shape [" << llvm::make_range(merged.begin(), merged.end())
                             << "] needs more than 2^47 bytes";
  result.setType(RankedTensorType::get(merged, current.getElementType()));
  return success();
}

std::optional<ArrayRef<int64_t>> rankedShape(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return std::nullopt;
  return type.getShape();
}

// The values of a constant integer operand (shapes, axes, indices).
static std::optional<SmallVector<int64_t>> constantInts(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return folding::getInts(attr);
}


// What is known of the values of a shape-like tensor (an integer tensor of rank 0 or
// 1 and static length), one entry per element, kDynamic where unknown. Models compute
// shapes from Shape(x) with Gather/Slice/Squeeze/Unsqueeze/Concat: following those
// back to x's type gives its static dims even where other dims of x are dynamic.
std::optional<SmallVector<int64_t>> knownInts(Value value, int depth) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() > 1 || !type.hasStaticShape() ||
      !isa<IntegerType>(type.getElementType()))
    return std::nullopt;
  int64_t length = type.getRank() == 0 ? 1 : type.getDimSize(0);
  if (length > 64)
    return std::nullopt;
  SmallVector<int64_t> unknown(length, ShapedType::kDynamic);
  if (auto ints = constantInts(value))
    return ints;
  Operation *op = value.getDefiningOp();
  if (!op || depth > 16)
    return unknown;
  auto sameLength = [&](std::optional<SmallVector<int64_t>> values) {
    return values && static_cast<int64_t>(values->size()) == length ? values : unknown;
  };
  if (auto shape = dyn_cast<ShapeOp>(op)) {
    auto input = rankedShape(shape.getData());
    if (!input)
      return unknown;
    int64_t rank = input->size();
    folding::ShapeDims taken = folding::shapeDims(shape.getStart(), shape.getEnd(), rank);
    return sameLength(
        SmallVector<int64_t>(input->begin() + taken.first, input->begin() + taken.last));
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    SmallVector<int64_t> values;
    for (Value input : concat.getInputs()) {
      auto part = knownInts(input, depth + 1);
      if (!part)
        return unknown;
      values.append(*part);
    }
    return sameLength(values);
  }
  if (isa<UnsqueezeOp, SqueezeOp, CastOp, IdentityOp>(op))
    return sameLength(knownInts(op->getOperand(0), depth + 1));
  if (auto gather = dyn_cast<GatherOp>(op)) {
    auto data = knownInts(gather.getData(), depth + 1);
    auto indices = constantInts(gather.getIndices());
    if (!data || !indices || rankedShape(gather.getData())->size() != 1)
      return unknown;
    SmallVector<int64_t> values;
    int64_t size = data->size();
    for (int64_t index : *indices) {
      if (index < 0)
        index += size;
      if (index < 0 || index >= size)
        return unknown;
      values.push_back((*data)[index]);
    }
    return sameLength(values);
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    auto data = knownInts(slice.getData(), depth + 1);
    auto starts = constantInts(slice.getStarts()), ends = constantInts(slice.getEnds());
    std::optional<SmallVector<int64_t>> steps = SmallVector<int64_t>{1};
    if (!isa<NoneType>(slice.getSteps().getType()))
      steps = constantInts(slice.getSteps());
    if (!data || rankedShape(slice.getData())->size() != 1 || !starts || !ends || !steps ||
        starts->size() != 1 || ends->size() != 1 || steps->size() != 1 || (*steps)[0] == 0)
      return unknown;
    auto range = folding::sliceRange(data->size(), (*starts)[0], (*ends)[0], (*steps)[0]);
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < range.count; ++i)
      values.push_back((*data)[range.first + i * (*steps)[0]]);
    return sameLength(values);
  }
  return unknown;
}


LogicalResult inferBroadcast(Operation *op, ValueRange operands, Value result) {
  SmallVector<int64_t> shape;
  bool first = true;
  for (Value operand : operands) {
    if (isa<NoneType>(operand.getType()))
      continue;
    auto dims = rankedShape(operand);
    if (!dims)
      return success();
    SmallVector<int64_t> next;
    if (first) {
      next.assign(dims->begin(), dims->end());
      first = false;
    } else if (!OpTrait::util::getBroadcastedShape(shape, *dims, next)) {
      return op->emitOpError() << "operand shapes cannot broadcast";
    }
    shape = std::move(next);
  }
  if (first)
    return success();
  return refineShape(op, result, shape);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

// numpy.matmul: 1-D operands are promoted to matrices and the promoted dim dropped
// again; batch dims broadcast.
LogicalResult MatMulOp::inferShapes() {
  auto a = rankedShape(getA()), b = rankedShape(getB());
  if (!a || !b || a->empty() || b->empty())
    return success();
  SmallVector<int64_t> aBatch, bBatch, shape;
  if (a->size() > 2)
    aBatch.assign(a->begin(), a->end() - 2);
  if (b->size() > 2)
    bBatch.assign(b->begin(), b->end() - 2);
  if (!OpTrait::util::getBroadcastedShape(aBatch, bBatch, shape))
    return emitOpError() << "batch dims cannot broadcast";
  if (a->size() >= 2)
    shape.push_back((*a)[a->size() - 2]);
  if (b->size() >= 2)
    shape.push_back(b->back());
  return refineShape(*this, getY(), shape);
}

LogicalResult GemmOp::inferShapes() {
  auto a = rankedShape(getA()), b = rankedShape(getB());
  if (!a || !b || a->size() != 2 || b->size() != 2)
    return success();
  int64_t m = (*a)[getTransA() ? 1 : 0];
  int64_t n = (*b)[getTransB() ? 0 : 1];
  return refineShape(*this, getY(), {m, n});
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferShapes() {
  // Entries computed when the model runs are dynamic dims; the rank is the shape's length.
  auto requested = knownInts(getShape());
  if (!requested || cast<ShapedType>(getShape().getType()).getRank() != 1)
    return success();
  auto input = rankedShape(getData());
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !getAllowzero())
      dim = input && i < input->size() ? (*input)[i] : ShapedType::kDynamic;
    if (dim == -1) {
      inferred = i;
      dim = ShapedType::kDynamic;
    } else if (!ShapedType::isDynamic(dim) && __builtin_mul_overflow(known, dim, &known)) {
      return emitOpError() << "shape's element count overflows int64";
    }
    shape.push_back(dim);
  }
  if (llvm::any_of(*requested, [](int64_t d) { return d < -1 && !ShapedType::isDynamic(d); }))
    return emitOpError() << "shape has an entry below -1";
  if (llvm::count(*requested, -1) > 1)
    return emitOpError() << "shape has more than one -1 entry";
  // A fully known shape must hold exactly the input's elements.
  int64_t inputCount = 1, resultCount = 1;
  bool counted = input && llvm::none_of(*input, ShapedType::isDynamic) &&
                 llvm::none_of(shape, ShapedType::isDynamic);
  for (int64_t dim : counted ? *input : ArrayRef<int64_t>())
    counted = counted && !__builtin_mul_overflow(inputCount, dim, &inputCount);
  for (int64_t dim : counted ? ArrayRef<int64_t>(shape) : ArrayRef<int64_t>())
    counted = counted && !__builtin_mul_overflow(resultCount, dim, &resultCount);
  if (counted && inputCount != resultCount)
    return emitOpError() << "cannot reshape " << inputCount << " elements into a shape of "
                         << resultCount;
  bool allKnown = llvm::none_of(shape, [&](int64_t d) { return ShapedType::isDynamic(d); }) ||
                  (inferred >= 0 && llvm::count_if(shape, ShapedType::isDynamic) == 1);
  if (inferred >= 0 && allKnown && input && known != 0 &&
      llvm::none_of(*input, ShapedType::isDynamic)) {
    int64_t total = 1;
    for (int64_t dim : *input)
      if (__builtin_mul_overflow(total, dim, &total))
        return emitOpError() << "input's element count overflows int64";
    if (total % known)
      return emitOpError() << "cannot reshape " << total << " elements into a shape with "
                           << known << " per -1 entry";
    shape[inferred] = total / known;
  }
  return refineShape(*this, getReshaped(), shape);
}

LogicalResult TransposeOp::inferShapes() {
  auto input = rankedShape(getData());
  if (!input)
    return success();
  SmallVector<int64_t> shape;
  if (auto perm = getPerm()) {
    if (perm->size() != input->size())
      return emitOpError() << "perm has " << perm->size() << " entries for rank "
                           << input->size();
    for (Attribute p : *perm) {
      int64_t d = cast<IntegerAttr>(p).getInt();
      if (d < 0 || d >= static_cast<int64_t>(input->size()))
        return emitOpError() << "perm entry " << d << " is out of range";
      shape.push_back((*input)[d]);
    }
  } else {
    shape.assign(input->rbegin(), input->rend());
  }
  return refineShape(*this, getTransposed(), shape);
}

LogicalResult UnsqueezeOp::inferShapes() {
  auto input = rankedShape(getData());
  auto axes = constantInts(getAxes());
  if (!input || !axes)
    return success();
  int64_t rank = input->size() + axes->size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t axis : *axes) {
    auto d = folding::normalizeAxis(axis, rank);
    if (!d || isNew[*d])
      return emitOpError() << "axis " << axis << " is out of range or repeated";
    isNew[*d] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(isNew[d] ? 1 : (*input)[next++]);
  return refineShape(*this, getExpanded(), shape);
}

LogicalResult SqueezeOp::inferShapes() {
  auto input = rankedShape(getData());
  if (!input)
    return success();
  SmallVector<bool> drop(input->size(), false);
  if (isa<NoneType>(getAxes().getType())) {
    for (auto [d, dim] : llvm::enumerate(*input)) {
      if (ShapedType::isDynamic(dim))
        return success(); // which dims go depends on values unknown here
      drop[d] = dim == 1;
    }
  } else {
    auto axes = constantInts(getAxes());
    if (!axes)
      return success();
    for (int64_t axis : *axes) {
      auto d = folding::normalizeAxis(axis, input->size());
      if (!d)
        return emitOpError() << "axis " << axis << " is out of range";
      drop[*d] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (auto [d, dim] : llvm::enumerate(*input))
    if (!drop[d])
      shape.push_back(dim);
  return refineShape(*this, getSqueezed(), shape);
}

LogicalResult ConcatOp::inferShapes() {
  SmallVector<int64_t> shape;
  std::optional<int64_t> axis;
  for (Value input : getInputs()) {
    auto dims = rankedShape(input);
    if (!dims)
      return success();
    if (!axis) {
      axis = folding::normalizeAxis(getAxis(), dims->size());
      if (!axis)
        return emitOpError() << "axis " << getAxis() << " is out of range";
      shape.assign(dims->begin(), dims->end());
      continue;
    }
    if (dims->size() != shape.size())
      return emitOpError() << "inputs have different ranks";
    for (size_t d = 0; d < shape.size(); ++d) {
      if (d == static_cast<size_t>(*axis)) {
        shape[d] = ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic((*dims)[d])
                       ? ShapedType::kDynamic
                       : shape[d] + (*dims)[d];
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = (*dims)[d];
      }
    }
  }
  if (!axis)
    return success();
  return refineShape(*this, getConcatResult(), shape);
}

LogicalResult GatherOp::inferShapes() {
  auto data = rankedShape(getData()), indices = rankedShape(getIndices());
  if (!data || !indices)
    return success();
  auto axis = folding::normalizeAxis(getAxis(), data->size());
  if (!axis)
    return emitOpError() << "axis " << getAxis() << " is out of range";
  SmallVector<int64_t> shape(data->begin(), data->begin() + *axis);
  shape.append(indices->begin(), indices->end());
  shape.append(data->begin() + *axis + 1, data->end());
  return refineShape(*this, getOutput(), shape);
}

LogicalResult ExpandOp::inferShapes() {
  auto input = rankedShape(getInput());
  auto requested = constantInts(getShape());
  if (!input || !requested)
    return success();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(*input, *requested, shape))
    return emitOpError() << "input does not broadcast to the requested shape";
  return refineShape(*this, getOutput(), shape);
}

LogicalResult ConstantOfShapeOp::inferShapes() {
  auto shape = constantInts(getInput());
  if (!shape)
    return success();
  return refineShape(*this, getOutput(), *shape);
}

LogicalResult ShapeOp::inferShapes() {
  auto input = rankedShape(getData());
  if (!input)
    return success();
  int64_t rank = input->size();
  folding::ShapeDims taken = folding::shapeDims(getStart(), getEnd(), rank);
  return refineShape(*this, getShape(), {taken.last - taken.first});
}

LogicalResult RangeOp::inferShapes() {
  // The folder computes constant ranges; a Range of unknown bounds has one dim.
  return refineShape(*this, getOutput(), {ShapedType::kDynamic});
}

LogicalResult SliceOp::inferShapes() {
  auto input = rankedShape(getData());
  if (!input)
    return success();
  auto starts = constantInts(getStarts()), ends = constantInts(getEnds());
  std::optional<SmallVector<int64_t>> axes, steps;
  if (!isa<NoneType>(getAxes().getType()))
    axes = constantInts(getAxes());
  if (!isa<NoneType>(getSteps().getType()))
    steps = constantInts(getSteps());
  SmallVector<int64_t> shape(*input);
  bool axesKnown = isa<NoneType>(getAxes().getType()) || axes;
  int64_t rank = input->size();
  if (!starts || !ends || !axesKnown ||
      (!isa<NoneType>(getSteps().getType()) && !steps)) {
    // Bounds unknown here: the dims the axes name are dynamic, the others stay (with
    // unknown axes, any dim may be sliced).
    auto count = cast<ShapedType>(getStarts().getType());
    if (axesKnown && count.hasStaticShape() && count.getRank() == 1) {
      for (int64_t i = 0; i < count.getDimSize(0); ++i) {
        if (axes && i >= static_cast<int64_t>(axes->size()))
          return emitOpError() << "slice has fewer axes than starts";
        auto axis = folding::normalizeAxis(axes ? (*axes)[i] : i, rank);
        if (!axis)
          return emitOpError() << "slice axis is out of range";
        shape[*axis] = ShapedType::kDynamic;
      }
      return refineShape(*this, getOutput(), shape);
    }
    for (int64_t &dim : shape)
      dim = ShapedType::kDynamic;
    return refineShape(*this, getOutput(), shape);
  }
  for (size_t i = 0; i < starts->size(); ++i) {
    auto axis = folding::normalizeAxis(axes ? (*axes)[i] : static_cast<int64_t>(i), rank);
    if (!axis)
      return emitOpError() << "slice axis is out of range";
    int64_t dim = (*input)[*axis], step = steps ? (*steps)[i] : 1;
    if (step == 0)
      return emitOpError() << "slice step is 0";
    if (ShapedType::isDynamic(dim)) {
      shape[*axis] = ShapedType::kDynamic;
      continue;
    }
    shape[*axis] = folding::sliceRange(dim, (*starts)[i], (*ends)[i], step).count;
  }
  return refineShape(*this, getOutput(), shape);
}

LogicalResult SplitOp::inferShapes() {
  auto input = rankedShape(getInput());
  if (!input)
    return success();
  auto axis = folding::normalizeAxis(getAxis(), input->size());
  if (!axis)
    return emitOpError() << "axis " << getAxis() << " is out of range";
  int64_t count = getOutputs().size();
  SmallVector<int64_t> sizes;
  if (!isa<NoneType>(getSplit().getType())) {
    auto split = constantInts(getSplit());
    if (!split)
      return success();
    sizes = *split;
  } else if (!ShapedType::isDynamic((*input)[*axis])) {
    int64_t dim = (*input)[*axis], chunk = (dim + count - 1) / count;
    for (int64_t i = 0; i < count; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  } else {
    sizes.assign(count, ShapedType::kDynamic);
  }
  if (static_cast<int64_t>(sizes.size()) != count)
    return emitOpError() << "split gives " << sizes.size() << " sizes for " << count
                         << " outputs";
  for (auto [result, size] : llvm::zip(getOutputs(), sizes)) {
    SmallVector<int64_t> shape(*input);
    shape[*axis] = size;
    if (failed(refineShape(*this, result, shape)))
      return failure();
  }
  return success();
}

// Reductions keep the reduced dims as 1 (keepdims) or drop them; no axes means all
// (unless noop_with_empty_axes).
static LogicalResult inferReduce(Operation *op, Value data, std::optional<SmallVector<int64_t>> axes,
                                 bool keepDims, bool noopWithEmptyAxes, Value result) {
  auto input = rankedShape(data);
  if (!input || !axes)
    return success();
  int64_t rank = input->size();
  SmallVector<bool> reduced(rank, axes->empty() && !noopWithEmptyAxes);
  for (int64_t axis : *axes) {
    auto d = folding::normalizeAxis(axis, rank);
    if (!d)
      return op->emitOpError() << "axis " << axis << " is out of range";
    reduced[*d] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      shape.push_back((*input)[d]);
    else if (keepDims)
      shape.push_back(1);
  }
  return refineShape(op, result, shape);
}

LogicalResult ReduceMeanOp::inferShapes() {
  SmallVector<int64_t> axes;
  if (auto attr = getAxes())
    for (Attribute a : *attr)
      axes.push_back(cast<IntegerAttr>(a).getInt());
  return inferReduce(*this, getData(), axes, getKeepdims() != 0, false, getReduced());
}

LogicalResult ReduceSumOp::inferShapes() {
  std::optional<SmallVector<int64_t>> axes = SmallVector<int64_t>();
  if (!isa<NoneType>(getAxes().getType()))
    axes = constantInts(getAxes());
  return inferReduce(*this, getData(), axes, getKeepdims() != 0, getNoopWithEmptyAxes() != 0,
                     getReduced());
}

LogicalResult ConstantOp::inferShapes() {
  return refineShape(*this, getOutput(), getValue().getShapedType().getShape());
}

} // namespace omc::onnx
