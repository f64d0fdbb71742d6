//===- DataMovement.cpp - ops that move elements without computing ------------===//
//
// Reshape, Flatten, Squeeze and Unsqueeze keep the row-major order of the elements: a
// contiguous input is viewed with the result's dims (one with another layout is copied).
// Where the element counts are known only when the model runs, the run checks them.
// A Reshape whose shape is computed when the model runs reads its dims from it.
// Transpose, Concat, Expand and Gather store each input element where it goes.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/conversion/onnx_to_krnl/IndexChecks.h"
#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {
namespace {

// `dims` with every one a run-time value replaced by 0 unless `keep`.
void zeroUnless(OpBuilder &b, Location loc, Value keep, MemRefType type,
                MutableArrayRef<Value> dims) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dims[d] = arith::SelectOp::create(b, loc, keep, dims[d], zero);
}

// Result dims of a reshape whose dynamic dims come from the input's (Squeeze,
// Unsqueeze, Flatten): `fromInput[d]` names the input dims whose product dim d is.
SmallVector<Value> reshapedDims(OpBuilder &b, Location loc, Value input, MemRefType resultType,
                                ArrayRef<SmallVector<int64_t>> fromInput) {
  SmallVector<Value> inputDims = getDims(b, loc, input), dims;
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d)) {
      dims.push_back(arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(d)));
      continue;
    }
    Value product = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t k : fromInput[d])
      product = arith::MulIOp::create(b, loc, product, inputDims[k]);
    dims.push_back(product);
  }
  return dims;
}

// Reshape's result dims from its shape tensor, read when the model runs: an entry 0
// copies the input's dim (unless allowzero), -1 takes what the others leave of the
// element count. Static result dims are taken from the type.
SmallVector<Value> shapeAtRunTime(OpBuilder &b, Location loc, Value input, Value shape,
                                  MemRefType resultType, bool allowZero) {
  SmallVector<Value> inputDims = getDims(b, loc, input);
  Value one = indexConstant(b, loc, 1), zero = indexConstant(b, loc, 0);
  Value total = one;
  for (Value dim : inputDims)
    total = arith::MulIOp::create(b, loc, total, dim);
  int64_t rank = resultType.getRank();
  SmallVector<Value> entries, isInferred;
  Value known = one;
  for (int64_t d = 0; d < rank; ++d) {
    Value raw = krnl::LoadOp::create(b, loc, shape, ValueRange{indexConstant(b, loc, d)});
    Value entry = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
    if (!allowZero && d < static_cast<int64_t>(inputDims.size())) {
      Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, entry, zero);
      entry = arith::SelectOp::create(b, loc, isZero, inputDims[d], entry);
    }
    Value inferred = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, entry,
                                           indexConstant(b, loc, -1));
    known = arith::MulIOp::create(b, loc, known,
                                  arith::SelectOp::create(b, loc, inferred, one, entry));
    entries.push_back(entry);
    isInferred.push_back(inferred);
  }
  // Guard the division: a 0 among the other entries leaves nothing to infer.
  Value knownIsZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, known, zero);
  Value divisor = arith::SelectOp::create(b, loc, knownIsZero, one, known);
  Value rest = arith::DivUIOp::create(b, loc, total, divisor);
  SmallVector<Value> dims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d))
      dims.push_back(indexConstant(b, loc, resultType.getDimSize(d)));
    else
      dims.push_back(arith::SelectOp::create(b, loc, isInferred[d], rest, entries[d]));
  }
  return dims;
}

// For Squeeze and Unsqueeze with constant axes: the input dims that stay and the
// result dims they become, in order.
template <typename OpTy>
std::optional<std::pair<SmallVector<int64_t>, SmallVector<int64_t>>>
keptDims(OpTy op, int64_t inputRank, int64_t resultRank) {
  Value axesValue = op.getAxes();
  if (isa<NoneType>(axesValue.getType()))
    return std::nullopt;
  Attribute attr;
  if (!matchPattern(axesValue, m_Constant(&attr)))
    return std::nullopt;
  auto axes = onnx::folding::getInts(attr);
  if (!axes)
    return std::nullopt;
  constexpr bool squeeze = std::is_same_v<OpTy, onnx::SqueezeOp>;
  // The axes index the input for Squeeze and the result for Unsqueeze.
  int64_t axesRank = squeeze ? inputRank : resultRank;
  SmallVector<bool> named(axesRank, false);
  for (int64_t axis : *axes) {
    auto d = onnx::folding::normalizeAxis(axis, axesRank);
    if (!d)
      return std::nullopt;
    named[*d] = true;
  }
  SmallVector<int64_t> inputKept, resultKept;
  for (int64_t d = 0; d < axesRank; ++d)
    if (!named[d])
      (squeeze ? inputKept : resultKept).push_back(d);
  SmallVector<int64_t> &other = squeeze ? resultKept : inputKept;
  for (int64_t d = 0; d < (squeeze ? resultRank : inputRank); ++d)
    other.push_back(d);
  if (inputKept.size() != resultKept.size())
    return std::nullopt;
  return std::make_pair(inputKept, resultKept);
}

template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getOperands()[0];
    auto inputType = dyn_cast<MemRefType>(input.getType());
    MemRefType resultType = convertedResult(this->getTypeConverter(), op->getResult(0));
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    SmallVector<Value> dims;
    if (auto sources = dimSources(op, inputType, resultType)) {
      dims = reshapedDims(rewriter, loc, input, resultType, *sources);
    } else if constexpr (std::is_same_v<OpTy, onnx::ReshapeOp>) {
      auto shapeType = dyn_cast<MemRefType>(adaptor.getShape().getType());
      if (!shapeType || shapeType.getRank() != 1 || shapeType.getDimSize(0) != resultType.getRank())
        return rewriter.notifyMatchFailure(op, "the shape must be 1-d with one entry per result dim");
      dims = shapeAtRunTime(rewriter, loc, input, adaptor.getShape(), resultType,
                            op.getAllowzero() != 0);
    } else {
      return rewriter.notifyMatchFailure(op, "result dims not derivable from the input's");
    }
    bool staticCounts = inputType.hasStaticShape() && resultType.hasStaticShape();
    if (staticCounts && inputType.getNumElements() != resultType.getNumElements())
      return op->emitError() << describeNode(op) << ": the result's "
                             << resultType.getNumElements() << " elements differ from the input's "
                             << inputType.getNumElements();
    // The elements keep their row-major order, so a contiguous input is the result, seen
    // with the new dims: no copy (GPT-2 reshapes each Gemm's input and output). Not when
    // only the input's count is known when the model runs and the result's dims are all
    // static: those could not shrink to keep a view inside a smaller input.
    bool viewed = inputType.getLayout().isIdentity() &&
                  (inputType.hasStaticShape() || !resultType.hasStaticShape());
    // The input's dims, and those of the copy (none after a failed count check).
    SmallVector<Value> inputDims = getDims(rewriter, loc, input), copied = inputDims;
    if (!staticCounts) {
      // Dims that make the counts differ are the run's error; then the view is empty, or
      // nothing is copied, rather than anything reaching past the input.
      Value same = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                         matmul::product(rewriter, loc, inputDims),
                                         matmul::product(rewriter, loc, dims));
      RunTimeErrorSite site = addRunTimeErrorSite(
          rewriter, op,
          describeNode(op) + ": the new shape's element count differs from the input's");
      ifInRange(rewriter, loc, same, site, [](OpBuilder &, Location) {});
      if (viewed)
        zeroUnless(rewriter, loc, same, resultType, dims);
      else
        zeroUnless(rewriter, loc, same, inputType, copied);
    }
    if (viewed) {
      rewriter.replaceOp(op, matmul::rowMajorView(rewriter, loc, input, dims, resultType));
      return success();
    }
    // The result, viewed with the input's dims, gets the input's elements in order.
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value view = matmul::rowMajorView(rewriter, loc, result, inputDims);
    buildLoopNest(rewriter, loc, copied, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, ivs), view, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }

  // For each result dim, the input dims it is the product of (only needed for
  // dynamic result dims).
  std::optional<SmallVector<SmallVector<int64_t>>>
  dimSources(OpTy op, MemRefType input, MemRefType result) const {
    SmallVector<SmallVector<int64_t>> sources(result.getRank());
    if (result.hasStaticShape())
      return sources;
    if constexpr (std::is_same_v<OpTy, onnx::FlattenOp>) {
      int64_t axis = op.getAxis() < 0 ? op.getAxis() + input.getRank() : op.getAxis();
      for (int64_t k = 0; k < input.getRank(); ++k)
        sources[k < axis ? 0 : 1].push_back(k);
      return sources;
    } else if constexpr (std::is_same_v<OpTy, onnx::SqueezeOp> ||
                         std::is_same_v<OpTy, onnx::UnsqueezeOp>) {
      // With constant axes the kept dims are known exactly (a dynamic dim may be squeezed:
      // it is 1 when the model runs).
      if (auto kept = keptDims(op, input.getRank(), result.getRank())) {
        for (auto [k, d] : llvm::zip(kept->first, kept->second))
          sources[d].push_back(k);
        return sources;
      }
      // The non-1 dims keep their order: match them up.
      SmallVector<int64_t> inputKept, resultKept;
      for (int64_t k = 0; k < input.getRank(); ++k)
        if (input.getDimSize(k) != 1)
          inputKept.push_back(k);
      for (int64_t d = 0; d < result.getRank(); ++d)
        if (result.getDimSize(d) != 1)
          resultKept.push_back(d);
      if (inputKept.size() != resultKept.size())
        return std::nullopt;
      for (auto [k, d] : llvm::zip(inputKept, resultKept))
        sources[d].push_back(k);
      return sources;
    }
    return std::nullopt; // a Reshape to a shape known only when the model runs
  }
};

// The side of a transpose's square tiles (see TransposeLowering): 16 lines of floats
// each way.
constexpr int64_t kTransposeTile = 16;

struct TransposeLowering : OpConversionPattern<onnx::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getData();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getTransposed());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> perm;
    if (auto attr = op.getPerm())
      for (Attribute p : *attr)
        perm.push_back(cast<IntegerAttr>(p).getInt());
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    SmallVector<Value> inputDims = getDims(rewriter, loc, input), dims;
    for (int64_t p : perm)
      dims.push_back(inputDims[p]);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    // The element at result index `ivs`, copied from the input.
    auto copy = [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> from(rank);
      for (int64_t d = 0; d < rank; ++d)
        from[perm[d]] = ivs[d];
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, from), result, ivs);
    };
    // Where the input's innermost dim lands; the input's innermost dim stays innermost
    // (GPT-2's heads, [S, H, D] -> [H, S, D]): in the input's order, rows both ways.
    int64_t moved = llvm::find(perm, rank - 1) - perm.begin();
    if (rank < 2 || moved == rank - 1) {
      buildLoopNest(rewriter, loc, inputDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> to;
        for (int64_t p : perm)
          to.push_back(ivs[p]);
        copy(b, loc, to);
      });
      rewriter.replaceOp(op, result);
      return success();
    }
    // Otherwise by tiles of kTransposeTile x kTransposeTile of the two dims that trade
    // places: a tile reads that many input lines and writes that many result lines, all in
    // L1. One element after another, the input's order stored each to another line, over
    // more lines than L1 holds (GPT-2's keys, [S, H, D] -> [H, D, S], 0.22 -> 0.05 ms),
    // and the result's order read lines 4 KiB apart from one L1 set (768 x 1024: 2.7 ->
    // 0.8 ms). Whole tiles first, then the strips past them; every index affine, so the
    // loops can go to threads.
    int64_t last = rank - 1;
    Value tile = arith::ConstantIndexOp::create(rewriter, loc, kTransposeTile);
    auto plus = [&](OpBuilder &b, Location loc, Value base, Value offset, int64_t scale) {
      AffineExpr d0 = b.getAffineDimExpr(0), d1 = b.getAffineDimExpr(1);
      return affine::AffineApplyOp::create(b, loc, AffineMap::get(2, 0, d0 * scale + d1),
                                           ValueRange{base, offset})
          .getResult();
    };
    // The whole tiles along d, their extent, and what is left past them.
    SmallVector<Value> tiles(dims), whole(rank), rest(rank);
    for (int64_t d : {moved, last}) {
      tiles[d] = arith::DivUIOp::create(rewriter, loc, dims[d], tile);
      whole[d] = arith::MulIOp::create(rewriter, loc, tiles[d], tile);
      rest[d] = arith::SubIOp::create(rewriter, loc, dims[d], whole[d]);
    }
    buildLoopNest(rewriter, loc, tiles, [&](OpBuilder &b, Location loc, ValueRange outer) {
      buildLoopNest(b, loc, {tile, tile}, [&](OpBuilder &b, Location loc, ValueRange inner) {
        SmallVector<Value> ivs(outer);
        ivs[moved] = plus(b, loc, outer[moved], inner[0], kTransposeTile);
        ivs[last] = plus(b, loc, outer[last], inner[1], kTransposeTile);
        copy(b, loc, ivs);
      });
    });
    // The strips: past the whole tiles along `moved` (all of `last`), then past them along
    // `last` (the whole tiles' extent of `moved`).
    for (int64_t strip : {moved, last}) {
      SmallVector<Value> bounds(dims);
      bounds[strip] = rest[strip];
      if (strip == last)
        bounds[moved] = whole[moved];
      buildLoopNest(rewriter, loc, bounds, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> at(ivs);
        at[strip] = plus(b, loc, ivs[strip], whole[strip], 1);
        copy(b, loc, at);
      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<onnx::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getConcatResult());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    // The result's dims: the first input's, with the axis summed over all inputs.
    SmallVector<Value> dims = getDims(rewriter, loc, adaptor.getInputs()[0]);
    dims[axis] = arith::ConstantIndexOp::create(rewriter, loc, 0);
    for (Value input : adaptor.getInputs())
      dims[axis] = arith::AddIOp::create(rewriter, loc, dims[axis],
                                         getDims(rewriter, loc, input)[axis]);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value offset = arith::ConstantIndexOp::create(rewriter, loc, 0);
    for (Value input : adaptor.getInputs()) {
      SmallVector<Value> inputDims = getDims(rewriter, loc, input);
      buildLoopNest(rewriter, loc, inputDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> to(ivs);
        to[axis] = arith::AddIOp::create(b, loc, ivs[axis], offset);
        krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, input, ivs), result, to);
      });
      offset = arith::AddIOp::create(rewriter, loc, offset, inputDims[axis]);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<onnx::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result (a constant shape)");
    Value input = adaptor.getInput();
    SmallVector<Value> dims;
    for (int64_t dim : resultType.getShape())
      dims.push_back(arith::ConstantIndexOp::create(rewriter, loc, dim));
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value value = krnl::LoadOp::create(b, loc, input, broadcastIndices(b, loc, input, ivs));
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherLowering : OpConversionPattern<onnx::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto indexType = dyn_cast<MemRefType>(indices.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!dataType || !indexType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + dataType.getRank() : op.getAxis();
    int64_t indexRank = indexType.getRank();
    SmallVector<Value> dataDims = getDims(rewriter, loc, data);
    SmallVector<Value> dims(dataDims.begin(), dataDims.begin() + axis);
    llvm::append_range(dims, getDims(rewriter, loc, indices));
    dims.append(dataDims.begin() + axis + 1, dataDims.end());
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value axisDim = dataDims[axis];
    // Indices come from the caller: one out of range is the model's run-time error.
    RunTimeErrorSite site = addRunTimeErrorSite(
        rewriter, op,
        describeNode(op) + ": an index is out of range for data axis " + std::to_string(axis));
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value raw = krnl::LoadOp::create(b, loc, indices, ivs.slice(axis, indexRank));
      CheckedIndex index =
          checkIndex(b, loc, arith::IndexCastOp::create(b, loc, b.getIndexType(), raw), axisDim);
      SmallVector<Value> from(ivs.take_front(axis));
      from.push_back(index.index);
      llvm::append_range(from, ivs.drop_front(axis + indexRank));
      krnl::StoreOp::create(b, loc, loadIfInRange(b, loc, index.inRange, data, from, site),
                            result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateDataMovementPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ReshapeLikeLowering<onnx::ReshapeOp>, ReshapeLikeLowering<onnx::FlattenOp>,
               ReshapeLikeLowering<onnx::SqueezeOp>, ReshapeLikeLowering<onnx::UnsqueezeOp>,
               TransposeLowering, ConcatLowering, ExpandLowering, GatherLowering>(
      converter, patterns.getContext());
}

} // namespace omc
