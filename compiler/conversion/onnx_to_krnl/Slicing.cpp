//===- Slicing.cpp - Slice, Split, Pad, Tile, DepthToSpace, SpaceToDepth -> krnl ===//
//
// Each result element is a copy of one input element (or Pad's constant): a loop nest
// over the result computes where it comes from. Slice's starts, ends, axes and
// steps, Split's sizes, Pad's pads and Tile's repeats are used as constants where they
// are, and read when the model runs where not; bounds that depend on those values or
// on dynamic dims are clamped at run time the way ONNX clamps them. DepthToSpace and
// SpaceToDepth loop over a 6-d nest in which both the input and the result index are
// affine, so no division is needed. ReverseSequence reads each batch's sequence
// backwards up to its length.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {
namespace {

// The values of a constant integer tensor (i32 or i64), or nothing.
std::optional<SmallVector<int64_t>> constantInts(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return onnx::folding::getInts(attr);
}

bool isNone(Value value) { return isa<NoneType>(value.getType()); }

// Element `i` of the 1-d integer buffer `values`, as an index.
Value loadIndex(OpBuilder &b, Location loc, Value values, int64_t i) {
  Value raw = krnl::LoadOp::create(b, loc, values, ValueRange{indexConstant(b, loc, i)});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
}

// The dims of `resultType`: its static dims as constants, the others from `computed`.
SmallVector<Value> preferStatic(OpBuilder &b, Location loc, MemRefType resultType,
                                ArrayRef<Value> computed) {
  SmallVector<Value> dims(computed);
  for (int64_t d = 0; d < resultType.getRank(); ++d)
    if (!resultType.isDynamicDim(d))
      dims[d] = indexConstant(b, loc, resultType.getDimSize(d));
  return dims;
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

// folding::sliceRange when the model runs (a dim, start, end or step known only then).
std::pair<Value, Value> sliceRangeAtRunTime(OpBuilder &b, Location loc, Value dim, Value start,
                                            Value end, Value step) {
  auto clamp = [&](Value v, Value lo, Value hi) {
    return arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, v, hi), lo);
  };
  auto select = [&](Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  };
  auto fromEnd = [&](Value v) { // negative values count from the end
    Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v,
                                           indexConstant(b, loc, 0));
    return select(negative, arith::AddIOp::create(b, loc, v, dim), v);
  };
  Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
  Value forward = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, step, zero);
  // Forward, start and end clamp into [0, dim]; backward, into [0, dim-1] and [-1, dim-1].
  Value top = select(forward, dim, arith::SubIOp::create(b, loc, dim, one));
  Value first = clamp(fromEnd(start), zero, top);
  Value last = clamp(fromEnd(end), select(forward, zero, indexConstant(b, loc, -1)), top);
  // ceil(|last - first| / |step|) in the step's direction; a step of 0 takes nothing.
  Value span = select(forward, arith::SubIOp::create(b, loc, last, first),
                      arith::SubIOp::create(b, loc, first, last));
  Value stride = select(forward, step, arith::SubIOp::create(b, loc, zero, step));
  stride = arith::MaxSIOp::create(b, loc, stride, one);
  span = arith::AddIOp::create(b, loc, span, arith::SubIOp::create(b, loc, stride, one));
  Value count = arith::DivSIOp::create(b, loc, span, stride);
  Value zeroStep = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, step, zero);
  count = select(zeroStep, zero, count);
  // Never negative, and never more than the dim (an empty dim takes nothing).
  return {first, clamp(count, zero, dim)};
}

// Index values of the 1-d integer tensor `original` (`buffer` once converted): constants
// where it is one, else read when the model runs.
SmallVector<Value> indexValues(OpBuilder &b, Location loc, Value original, Value buffer,
                               int64_t count) {
  SmallVector<Value> values;
  if (auto ints = constantInts(original)) {
    for (int64_t v : *ints)
      values.push_back(indexConstant(b, loc, v));
    return values;
  }
  for (int64_t i = 0; i < count; ++i)
    values.push_back(loadIndex(b, loc, buffer, i));
  return values;
}

// Length of a 1-d buffer whose length is static, or -1.
int64_t staticLength(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && type.getRank() == 1 && !type.isDynamicDim(0) ? type.getDimSize(0) : -1;
}

struct SliceLowering : OpConversionPattern<onnx::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!dataType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t count = staticLength(adaptor.getStarts()), rank = dataType.getRank();
    bool hasAxes = !isNone(op.getAxes()), hasSteps = !isNone(op.getSteps());
    if (count < 0 || staticLength(adaptor.getEnds()) != count ||
        (hasAxes && staticLength(adaptor.getAxes()) != count) ||
        (hasSteps && staticLength(adaptor.getSteps()) != count))
      return rewriter.notifyMatchFailure(
          op, "starts, ends, axes and steps must be 1-d of one static length");
    // What is constant is used as such; the rest is read when the model runs.
    auto constStarts = constantInts(op.getStarts()), constEnds = constantInts(op.getEnds());
    std::optional<SmallVector<int64_t>> axes = SmallVector<int64_t>(),
                                        constSteps = SmallVector<int64_t>(count, 1);
    for (int64_t i = 0; i < count && !hasAxes; ++i)
      axes->push_back(i);
    if (hasAxes)
      axes = constantInts(op.getAxes());
    if (hasSteps)
      constSteps = constantInts(op.getSteps());
    if (constSteps && llvm::is_contained(*constSteps, 0))
      return rewriter.notifyMatchFailure(op, "a step is 0");
    SmallVector<Value> starts = indexValues(rewriter, loc, op.getStarts(), adaptor.getStarts(), count);
    SmallVector<Value> ends = indexValues(rewriter, loc, op.getEnds(), adaptor.getEnds(), count);
    SmallVector<Value> steps =
        hasSteps ? indexValues(rewriter, loc, op.getSteps(), adaptor.getSteps(), count)
                 : SmallVector<Value>(count, indexConstant(rewriter, loc, 1));

    // Per input dim: the first index read, the step and the count.
    SmallVector<Value> inputDims = getDims(rewriter, loc, data), dims(inputDims);
    SmallVector<Value> first(rank, indexConstant(rewriter, loc, 0));
    SmallVector<Value> stepOf(rank, indexConstant(rewriter, loc, 1));
    SmallVector<bool> sliced(rank, !axes); // axes read when the model runs may name any dim
    for (int64_t i = 0; i < count; ++i) {
      if (!axes) {
        // Select this entry's range for the dim its axis names.
        Value axis = loadIndex(rewriter, loc, adaptor.getAxes(), i);
        Value negative = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, axis,
                                               indexConstant(rewriter, loc, 0));
        axis = arith::SelectOp::create(
            rewriter, loc, negative,
            arith::AddIOp::create(rewriter, loc, axis, indexConstant(rewriter, loc, rank)), axis);
        for (int64_t d = 0; d < rank; ++d) {
          auto [f, c] =
              sliceRangeAtRunTime(rewriter, loc, inputDims[d], starts[i], ends[i], steps[i]);
          Value here = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, axis,
                                             indexConstant(rewriter, loc, d));
          first[d] = arith::SelectOp::create(rewriter, loc, here, f, first[d]);
          dims[d] = arith::SelectOp::create(rewriter, loc, here, c, dims[d]);
          stepOf[d] = arith::SelectOp::create(rewriter, loc, here, steps[i], stepOf[d]);
        }
        continue;
      }
      auto axis = onnx::folding::normalizeAxis((*axes)[i], rank);
      if (!axis || sliced[*axis])
        return rewriter.notifyMatchFailure(op, "an axis is out of range or repeated");
      sliced[*axis] = true;
      stepOf[*axis] = steps[i];
      if (!dataType.isDynamicDim(*axis) && constStarts && constEnds && constSteps) {
        auto range = onnx::folding::sliceRange(dataType.getDimSize(*axis), (*constStarts)[i],
                                               (*constEnds)[i], (*constSteps)[i]);
        first[*axis] = indexConstant(rewriter, loc, range.first);
        dims[*axis] = indexConstant(rewriter, loc, range.count);
      } else {
        std::tie(first[*axis], dims[*axis]) = sliceRangeAtRunTime(
            rewriter, loc, inputDims[*axis], starts[i], ends[i], steps[i]);
      }
    }
    dims = preferStatic(rewriter, loc, resultType, dims);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from(ivs);
      for (int64_t d = 0; d < rank; ++d)
        if (sliced[d])
          from[d] = arith::AddIOp::create(b, loc, first[d],
                                          arith::MulIOp::create(b, loc, ivs[d], stepOf[d]));
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, data, from), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Split
//===----------------------------------------------------------------------===//

struct SplitLowering : OpConversionPattern<onnx::SplitOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    if (!inputType)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    SmallVector<MemRefType> resultTypes;
    for (Value output : op.getOutputs()) {
      resultTypes.push_back(convertedResult(getTypeConverter(), output));
      if (!resultTypes.back())
        return rewriter.notifyMatchFailure(op, "needs ranked results");
    }
    int64_t rank = inputType.getRank(), count = resultTypes.size();
    auto axis = onnx::folding::normalizeAxis(op.getAxis(), rank);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<Value> inputDims = getDims(rewriter, loc, input);

    // The size of each part along the axis: the split input (read when the model runs
    // if it is not a constant), or equal parts of ceil(dim / count), the last smaller.
    SmallVector<Value> sizes;
    if (!isNone(adaptor.getSplit())) {
      auto split = constantInts(op.getSplit());
      if (split && static_cast<int64_t>(split->size()) != count)
        return rewriter.notifyMatchFailure(op, "split has a size per result");
      for (int64_t i = 0; i < count; ++i)
        sizes.push_back(split ? indexConstant(rewriter, loc, (*split)[i])
                              : loadIndex(rewriter, loc, adaptor.getSplit(), i));
    } else {
      Value dim = inputDims[*axis], parts = indexConstant(rewriter, loc, count);
      // ceil(dim / count), spelled out: arith.ceildivui does not reach LLVM.
      Value chunk = arith::AddIOp::create(rewriter, loc, dim, indexConstant(rewriter, loc, count - 1));
      chunk = arith::DivUIOp::create(rewriter, loc, chunk, parts);
      for (int64_t i = 0; i < count; ++i) {
        Value begin = arith::MulIOp::create(rewriter, loc, chunk, indexConstant(rewriter, loc, i));
        begin = arith::MinUIOp::create(rewriter, loc, begin, dim);
        Value left = arith::SubIOp::create(rewriter, loc, dim, begin);
        sizes.push_back(arith::MinUIOp::create(rewriter, loc, chunk, left));
      }
    }

    SmallVector<Value> results;
    Value offset = indexConstant(rewriter, loc, 0);
    for (int64_t i = 0; i < count; ++i) {
      SmallVector<Value> dims(inputDims);
      dims[*axis] = sizes[i];
      dims = preferStatic(rewriter, loc, resultTypes[i], dims);
      Value result = allocBuffer(rewriter, loc, resultTypes[i], dims);
      buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> from(ivs);
        from[*axis] = arith::AddIOp::create(b, loc, ivs[*axis], offset);
        krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, from), result, ivs);
      });
      offset = arith::AddIOp::create(rewriter, loc, offset, dims[*axis]);
      results.push_back(result);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

struct PadLowering : OpConversionPattern<onnx::PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::PadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!dataType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t rank = dataType.getRank();
    if (staticLength(adaptor.getPads()) != 2 * rank)
      return rewriter.notifyMatchFailure(op, "pads needs two values per input dim");
    StringRef mode = op.getMode();
    if (mode != "constant" && mode != "reflect" && mode != "edge")
      return rewriter.notifyMatchFailure(op, "mode must be constant, reflect or edge");
    auto constPads = constantInts(op.getPads());
    if (constPads && mode == "reflect")
      for (int64_t d = 0; d < rank; ++d)
        if (!dataType.isDynamicDim(d) && ((*constPads)[d] >= dataType.getDimSize(d) ||
                                          (*constPads)[rank + d] >= dataType.getDimSize(d)))
          return rewriter.notifyMatchFailure(op, "reflect pads must be smaller than the dim");
    // Pads before and after each dim, constants or read when the model runs.
    SmallVector<Value> pads = indexValues(rewriter, loc, op.getPads(), adaptor.getPads(), 2 * rank);
    ArrayRef<Value> before = ArrayRef<Value>(pads).take_front(rank);
    ArrayRef<Value> after = ArrayRef<Value>(pads).drop_front(rank);
    auto unpadded = [&](int64_t d) {
      return constPads && (*constPads)[d] == 0 && (*constPads)[rank + d] == 0;
    };

    SmallVector<Value> inputDims = getDims(rewriter, loc, data), dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(arith::AddIOp::create(
          rewriter, loc, inputDims[d], arith::AddIOp::create(rewriter, loc, before[d], after[d])));
    dims = preferStatic(rewriter, loc, resultType, dims);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value zero = indexConstant(rewriter, loc, 0), one = indexConstant(rewriter, loc, 1);
    auto positive = [&](OpBuilder &b, Value v) { return arith::MaxSIOp::create(b, loc, v, zero); };
    auto negated = [&](OpBuilder &b, Value v) { return arith::SubIOp::create(b, loc, zero, v); };

    if (mode == "constant") {
      // Fill with the constant, then copy the part of the input that remains (negative
      // pads crop) to its place.
      Value fill = constantOf(rewriter, loc, resultType.getElementType(), 0);
      if (!isNone(adaptor.getConstantValue())) {
        Value value = adaptor.getConstantValue();
        int64_t valueRank = cast<MemRefType>(value.getType()).getRank();
        fill = krnl::LoadOp::create(rewriter, loc, value, SmallVector<Value>(valueRank, zero));
      }
      buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        krnl::StoreOp::create(b, loc, fill, result, ivs);
      });
      SmallVector<Value> kept, skipped, shifted;
      for (int64_t d = 0; d < rank; ++d) {
        skipped.push_back(positive(rewriter, negated(rewriter, before[d])));
        shifted.push_back(positive(rewriter, before[d]));
        Value cropped = arith::AddIOp::create(rewriter, loc, skipped[d],
                                              positive(rewriter, negated(rewriter, after[d])));
        kept.push_back(positive(rewriter, arith::SubIOp::create(rewriter, loc, inputDims[d], cropped)));
      }
      buildLoopNest(rewriter, loc, kept, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> from, to;
        for (int64_t d = 0; d < rank; ++d) {
          from.push_back(unpadded(d) ? ivs[d] : Value(arith::AddIOp::create(b, loc, ivs[d], skipped[d])));
          to.push_back(unpadded(d) ? ivs[d] : Value(arith::AddIOp::create(b, loc, ivs[d], shifted[d])));
        }
        krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, data, from), result, to);
      });
      rewriter.replaceOp(op, result);
      return success();
    }

    // reflect and edge: each result element reads the input at its index less the pad
    // before, mirrored (reflect) or clamped (edge) back into the input.
    bool reflect = mode == "reflect";
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from(ivs);
      for (int64_t d = 0; d < rank; ++d) {
        if (unpadded(d))
          continue;
        Value i = arith::SubIOp::create(b, loc, ivs[d], before[d]);
        Value last = arith::SubIOp::create(b, loc, inputDims[d], one);
        if (reflect) {
          // -i before the start, 2 * last - i after the end.
          Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
          i = arith::SelectOp::create(b, loc, negative, negated(b, i), i);
          Value beyond = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, i, last);
          Value mirrored = arith::SubIOp::create(
              b, loc, arith::AddIOp::create(b, loc, last, last), i);
          i = arith::SelectOp::create(b, loc, beyond, mirrored, i);
        }
        // Edge clamps; for reflect this only guards pads larger than the dim.
        from[d] = arith::MaxSIOp::create(b, loc, arith::MinSIOp::create(b, loc, i, last), zero);
      }
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, data, from), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Tile
//===----------------------------------------------------------------------===//

// A result element reads the input at its index modulo the input's dims, so the
// repeats only matter for the result's size.
struct TileLowering : OpConversionPattern<onnx::TileOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TileOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!inputType || !resultType || inputType.getRank() != resultType.getRank())
      return rewriter.notifyMatchFailure(op, "needs ranked types of one rank");
    int64_t rank = inputType.getRank();
    SmallVector<Value> inputDims = getDims(rewriter, loc, input), dims(rank);
    for (int64_t d = 0; d < rank; ++d)
      if (resultType.isDynamicDim(d))
        dims[d] = arith::MulIOp::create(rewriter, loc, inputDims[d],
                                        loadIndex(rewriter, loc, adaptor.getRepeats(), d));
    dims = preferStatic(rewriter, loc, resultType, dims);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from(ivs);
      for (int64_t d = 0; d < rank; ++d) {
        if (inputType.getDimSize(d) == 1)
          from[d] = indexConstant(b, loc, 0);
        else if (inputType.getDimSize(d) != resultType.getDimSize(d) ||
                 inputType.isDynamicDim(d))
          from[d] = arith::RemUIOp::create(b, loc, ivs[d], inputDims[d]);
      }
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, from), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// DepthToSpace and SpaceToDepth
//===----------------------------------------------------------------------===//

// Both move a b x b block between the channels and the spatial dims of an NCHW
// tensor. The nest runs over (n, c, h, i, w, j) for DepthToSpace (the result's
// row-major order, result [n, c, h*b+i, w*b+j]) and over (n, i, j, c, h, w) for
// SpaceToDepth (result [n, (i*b+j)*C + c, h, w]); the other side's index is affine
// in those.
template <typename OpTy>
struct BlockMoveLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool toSpace = std::is_same_v<OpTy, onnx::DepthToSpaceOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    MemRefType resultType = convertedResult(this->getTypeConverter(), op.getOutput());
    if (!inputType || !resultType || inputType.getRank() != 4 || resultType.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "needs a 4-d input");
    int64_t block = op.getBlocksize();
    if (block <= 0)
      return rewriter.notifyMatchFailure(op, "blocksize must be positive");
    bool crd = false;
    if constexpr (toSpace) {
      if (op.getMode() != "DCR" && op.getMode() != "CRD")
        return rewriter.notifyMatchFailure(op, "mode must be DCR or CRD");
      crd = op.getMode() == "CRD";
    }
    int64_t channels = inputType.getDimSize(1);
    if (toSpace && !inputType.isDynamicDim(1) && channels % (block * block))
      return rewriter.notifyMatchFailure(op, "channels must be a multiple of blocksize^2");

    SmallVector<Value> in = getDims(rewriter, loc, input);
    Value b = indexConstant(rewriter, loc, block), bb = indexConstant(rewriter, loc, block * block);
    SmallVector<Value> dims, nest;
    if constexpr (toSpace) {
      Value c = arith::DivUIOp::create(rewriter, loc, in[1], bb);
      dims = {in[0], c, arith::MulIOp::create(rewriter, loc, in[2], b),
              arith::MulIOp::create(rewriter, loc, in[3], b)};
      nest = {in[0], c, in[2], b, in[3], b};
    } else {
      Value h = arith::DivUIOp::create(rewriter, loc, in[2], b);
      Value w = arith::DivUIOp::create(rewriter, loc, in[3], b);
      dims = {in[0], arith::MulIOp::create(rewriter, loc, in[1], bb), h, w};
      nest = {in[0], b, b, in[1], h, w};
    }
    dims = preferStatic(rewriter, loc, resultType, dims);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value outChannels = dims[1];
    buildLoopNest(rewriter, loc, nest, [&](OpBuilder &builder, Location loc, ValueRange ivs) {
      auto add = [&](Value x, Value y) { return arith::AddIOp::create(builder, loc, x, y); };
      auto mul = [&](Value x, Value y) { return arith::MulIOp::create(builder, loc, x, y); };
      SmallVector<Value> from, to;
      if constexpr (toSpace) {
        Value n = ivs[0], c = ivs[1], h = ivs[2], i = ivs[3], w = ivs[4], j = ivs[5];
        // DCR: channel (i*b + j)*C' + c; CRD: c*b*b + i*b + j.
        Value blockIndex = add(mul(i, b), j);
        Value channel = crd ? add(mul(c, bb), blockIndex) : add(mul(blockIndex, outChannels), c);
        from = {n, channel, h, w};
        to = {n, c, add(mul(h, b), i), add(mul(w, b), j)};
      } else {
        Value n = ivs[0], i = ivs[1], j = ivs[2], c = ivs[3], h = ivs[4], w = ivs[5];
        from = {n, c, add(mul(h, b), i), add(mul(w, b), j)};
        to = {n, add(mul(add(mul(i, b), j), in[1]), c), h, w};
      }
      krnl::StoreOp::create(builder, loc, krnl::LoadOp::create(builder, loc, input, from),
                            result, to);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};


// ReverseSequence: along time_axis, the first sequence_lens[b] elements of batch b in
// reverse order, the rest as they are: result[.., t, ..] = input[.., len - 1 - t, ..]
// for t < len (len clamped to [0, time dim]).
struct ReverseSequenceLowering : OpConversionPattern<onnx::ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ReverseSequenceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), lengths = adaptor.getSequenceLens();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    auto lengthsType = dyn_cast<MemRefType>(lengths.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!inputType || !lengthsType || !resultType || inputType.getRank() < 2 ||
        lengthsType.getRank() != 1 || resultType.getRank() != inputType.getRank())
      return rewriter.notifyMatchFailure(op, "needs an input of rank >= 2 and 1-d sequence_lens");
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
      return rewriter.notifyMatchFailure(op, "batch_axis and time_axis must be 0 and 1, apart");

    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value steps = dims[timeAxis];
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
      Value t = ivs[timeAxis];
      Value length = toIndex(b, loc, krnl::LoadOp::create(b, loc, lengths, ivs[batchAxis]));
      length = arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, length, zero), steps);
      Value reversed = arith::SubIOp::create(
          b, loc, arith::SubIOp::create(b, loc, length, one), t);
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, t, length);
      SmallVector<Value> from(ivs);
      from[timeAxis] = arith::SelectOp::create(b, loc, inside, reversed, t);
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, from), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateSlicingPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<SliceLowering, SplitLowering, PadLowering, TileLowering,
               BlockMoveLowering<onnx::DepthToSpaceOp>, BlockMoveLowering<onnx::SpaceToDepthOp>,
               ReverseSequenceLowering>(
      converter, patterns.getContext());
}

} // namespace omc
