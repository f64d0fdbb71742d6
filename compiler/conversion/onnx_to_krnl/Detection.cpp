//===- Detection.cpp - NonMaxSuppression, RoiAlign, MaxRoiPool -> krnl ------===//
//
// NonMaxSuppression, per batch and class: the boxes whose score passes the threshold
// are candidates; each step takes the best remaining candidate (highest score, the
// lowest index on ties, as onnxruntime's priority queue pops them) and keeps it unless
// its IOU with a box kept before is above the threshold, until max_output_boxes_per_class
// are kept. The kept box indices go to a [B, C, N] scratch buffer with a count per
// class; the [num_selected, 3] result is then allocated with the total (known only when
// the model runs, as for NonZero) and filled at a running row.
//
// RoiAlign and MaxRoiPool: one nest over the rois, where each roi's geometry is
// computed, and one over (C, output_height, output_width) inside it; the samples of a
// bin (RoiAlign) or the input elements under it (MaxRoiPool) are a nest whose bounds
// depend on the roi. The arithmetic follows onnxruntime's kernels, which made the
// backend test data (RoiAlign's max mode is the maximum of the weighted corner values
// of each sample, as there).
//
// Coordinates computed from data go through selects before they become indices: a NaN
// or a far-away coordinate reads an in-bounds element whose weight is zero.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

// Float arithmetic in one type `t`, plus the index conversions the ops need.
struct FMath {
  OpBuilder &b;
  Location loc;
  Type t;
  Value c(double v) { return constantOf(b, loc, t, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinimumFOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value ceil(Value x) { return math::CeilOp::create(b, loc, x); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value gt(Value x, Value y) { return cmp(arith::CmpFPredicate::OGT, x, y); }
  Value ge(Value x, Value y) { return cmp(arith::CmpFPredicate::OGE, x, y); }
  Value le(Value x, Value y) { return cmp(arith::CmpFPredicate::OLE, x, y); }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); }
  Value all(ArrayRef<Value> conditions) {
    Value result = conditions.front();
    for (Value condition : conditions.drop_front())
      result = arith::AndIOp::create(b, loc, result, condition);
    return result;
  }
  // An element of any float type, in `t`.
  Value of(Value x) { return castFloat(b, loc, x, t); }
  Value fromIndex(Value i) {
    Value wide = arith::IndexCastOp::create(b, loc, b.getI64Type(), i);
    return arith::SIToFPOp::create(b, loc, t, wide);
  }
  // An integral value in the range of index as an index (truncated toward zero).
  Value toIndex(Value x) {
    Value wide = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), wide);
  }
  // The same for any value: NaN becomes 0 and magnitudes stop at 2^40, so the
  // conversion never overflows.
  Value toIndexSafe(Value x) {
    Value ordered = cmp(arith::CmpFPredicate::ORD, x, x);
    Value clamped = min(max(x, c(-0x1p40)), c(0x1p40));
    return toIndex(select(ordered, clamped, c(0)));
  }
};

struct IMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return indexConstant(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value clamp(Value x, Value lo, Value hi) { return min(max(x, lo), hi); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); }
};

Value load(OpBuilder &b, Location loc, Value buffer, ValueRange indices = {}) {
  return krnl::LoadOp::create(b, loc, buffer, indices);
}
void store(OpBuilder &b, Location loc, Value value, Value buffer, ValueRange indices = {}) {
  krnl::StoreOp::create(b, loc, value, buffer, indices);
}
Value scratch(OpBuilder &b, Location loc, Type element) {
  return memref::AllocaOp::create(b, loc, MemRefType::get({}, element));
}

// An absent optional operand (onnx.NoValue) converts to itself, a none value.
Value present(Value operand) { return isa<NoneType>(operand.getType()) ? Value() : operand; }

// The first element of a scalar or one-element tensor.
Value loadFirst(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> zeros(type.getRank(), indexConstant(b, loc, 0));
  return load(b, loc, buffer, zeros);
}

bool isFloat(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && isa<FloatType>(type.getElementType());
}

//===----------------------------------------------------------------------===//
// NonMaxSuppression
//===----------------------------------------------------------------------===//

// A box as its sorted edges.
struct Box {
  Value yMin, xMin, yMax, xMax;
};

// Box `i` of batch `batch`: [y1, x1, y2, x2] with any two opposite corners, or
// [x_center, y_center, width, height].
Box loadBox(FMath &f, Value boxes, Value batch, Value i, bool centerPoint) {
  Value v[4];
  for (int64_t k = 0; k < 4; ++k)
    v[k] = load(f.b, f.loc, boxes, {batch, i, indexConstant(f.b, f.loc, k)});
  if (centerPoint) {
    Value halfWidth = f.div(v[2], f.c(2)), halfHeight = f.div(v[3], f.c(2));
    return {f.sub(v[1], halfHeight), f.sub(v[0], halfWidth), f.add(v[1], halfHeight),
            f.add(v[0], halfWidth)};
  }
  return {f.min(v[0], v[2]), f.min(v[1], v[3]), f.max(v[0], v[2]), f.max(v[1], v[3])};
}

// Whether the IOU of `a` and `b` is above `threshold`; boxes that do not overlap, or
// have no area, never are (onnxruntime's SuppressByIOU).
Value overlapsAbove(FMath &f, const Box &a, const Box &b, Value threshold) {
  Value zero = f.c(0);
  Value width = f.sub(f.min(a.xMax, b.xMax), f.max(a.xMin, b.xMin));
  Value height = f.sub(f.min(a.yMax, b.yMax), f.max(a.yMin, b.yMin));
  Value intersection = f.mul(width, height);
  Value areaA = f.mul(f.sub(a.xMax, a.xMin), f.sub(a.yMax, a.yMin));
  Value areaB = f.mul(f.sub(b.xMax, b.xMin), f.sub(b.yMax, b.yMin));
  Value unionArea = f.sub(f.add(areaA, areaB), intersection);
  return f.all({f.gt(width, zero), f.gt(height, zero), f.gt(intersection, zero),
                f.gt(areaA, zero), f.gt(areaB, zero), f.gt(unionArea, zero),
                f.gt(f.div(intersection, unionArea), threshold)});
}

struct NonMaxSuppressionLowering : OpConversionPattern<onnx::NonMaxSuppressionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::NonMaxSuppressionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value boxes = adaptor.getBoxes(), scores = adaptor.getScores();
    auto boxesType = dyn_cast<MemRefType>(boxes.getType());
    auto scoresType = dyn_cast<MemRefType>(scores.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getSelectedIndices());
    if (!boxesType || !scoresType || !resultType || boxesType.getRank() != 3 ||
        scoresType.getRank() != 3 || resultType.getRank() != 2)
      return rewriter.notifyMatchFailure(
          op, "needs boxes [batch, boxes, 4], scores [batch, classes, boxes] and a rank-2 result");
    if ((!boxesType.isDynamicDim(2) && boxesType.getDimSize(2) != 4) ||
        (!resultType.isDynamicDim(1) && resultType.getDimSize(1) != 3))
      return rewriter.notifyMatchFailure(op, "boxes have 4 coordinates, result rows 3 indices");
    for (int64_t d : {0, 1}) {
      int64_t boxesDim = boxesType.getDimSize(d), scoresDim = scoresType.getDimSize(d * 2);
      if (!ShapedType::isDynamic(boxesDim) && !ShapedType::isDynamic(scoresDim) &&
          boxesDim != scoresDim)
        return rewriter.notifyMatchFailure(op, "boxes and scores disagree on batch or box count");
    }
    int64_t centerPointBox = op.getCenterPointBox();
    if (centerPointBox != 0 && centerPointBox != 1)
      return rewriter.notifyMatchFailure(op, "center_point_box must be 0 or 1");
    Value maxOutput = present(adaptor.getMaxOutputBoxesPerClass());
    Value iouThreshold = present(adaptor.getIouThreshold());
    Value scoreThreshold = present(adaptor.getScoreThreshold());
    for (Value optional : {maxOutput, iouThreshold, scoreThreshold})
      if (optional && !isa<MemRefType>(optional.getType()))
        return rewriter.notifyMatchFailure(op, "needs ranked optional inputs");

    IMath i{rewriter, loc};
    FMath f{rewriter, loc, boxesType.getElementType()};
    SmallVector<Value> boxesDims = getDims(rewriter, loc, boxes);
    Value batches = boxesDims[0], count = boxesDims[1];
    Value classes = getDims(rewriter, loc, scores)[1];
    // Absent max_output_boxes_per_class is 0: nothing is selected.
    Value limit = i.c(0);
    if (maxOutput)
      limit = i.clamp(toIndex(rewriter, loc, loadFirst(rewriter, loc, maxOutput)), i.c(0), count);
    Value iou = iouThreshold ? loadFirst(rewriter, loc, iouThreshold) : f.c(0);
    Value minScore = scoreThreshold ? loadFirst(rewriter, loc, scoreThreshold) : Value();

    auto indexType = rewriter.getIndexType();
    auto dynamic = [&](int64_t rank, Type element) {
      return MemRefType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic), element);
    };
    Value done = allocBuffer(rewriter, loc, dynamic(1, rewriter.getI1Type()), {count});
    Value kept = allocBuffer(rewriter, loc, dynamic(3, indexType), {batches, classes, count});
    Value keptCounts = allocBuffer(rewriter, loc, dynamic(2, indexType), {batches, classes});
    Value keptBuf = scratch(rewriter, loc, indexType);
    Value candidatesBuf = scratch(rewriter, loc, indexType);
    Value bestBuf = scratch(rewriter, loc, indexType);
    Value bestScoreBuf = scratch(rewriter, loc, f.t);
    Value suppressedBuf = scratch(rewriter, loc, rewriter.getI1Type());

    buildLoopNest(rewriter, loc, {batches, classes}, [&](OpBuilder &b, Location loc,
                                                         ValueRange bc) {
      IMath i{b, loc};
      Value batch = bc[0], cls = bc[1];
      Value yes = arith::ConstantIntOp::create(b, loc, 1, 1);
      Value no = arith::ConstantIntOp::create(b, loc, 0, 1);
      // Candidates: the boxes scored above the threshold (all of them without one).
      store(b, loc, i.c(0), candidatesBuf);
      buildLoopNest(b, loc, {count}, [&](OpBuilder &b, Location loc, ValueRange n) {
        IMath i{b, loc};
        FMath f{b, loc, boxesType.getElementType()};
        Value candidate = yes;
        if (minScore)
          candidate = f.gt(load(b, loc, scores, {batch, cls, n[0]}), minScore);
        store(b, loc, arith::XOrIOp::create(b, loc, candidate, yes), done, n[0]);
        Value counted = load(b, loc, candidatesBuf);
        store(b, loc, i.add(counted, i.select(candidate, i.c(1), i.c(0))), candidatesBuf);
      });
      store(b, loc, i.c(0), keptBuf);
      Value steps = load(b, loc, candidatesBuf);
      Value last = i.sub(count, i.c(1));
      buildLoopNest(b, loc, {steps}, [&](OpBuilder &b, Location loc, ValueRange) {
        IMath i{b, loc};
        FMath f{b, loc, boxesType.getElementType()};
        Value keptSoFar = load(b, loc, keptBuf);
        // Once the class is full, the remaining steps do nothing.
        Value open = i.cmp(arith::CmpIPredicate::slt, keptSoFar, limit);
        store(b, loc, count, bestBuf); // `count` stands for none
        store(b, loc, f.c(0), bestScoreBuf);
        buildLoopNest(b, loc, {i.select(open, count, i.c(0))},
                      [&](OpBuilder &b, Location loc, ValueRange n) {
          IMath i{b, loc};
          FMath f{b, loc, boxesType.getElementType()};
          Value score = load(b, loc, scores, {batch, cls, n[0]});
          Value best = load(b, loc, bestBuf), bestScore = load(b, loc, bestScoreBuf);
          Value none = i.cmp(arith::CmpIPredicate::eq, best, count);
          // Strictly better: on ties the lower index, met first, stays.
          Value better = arith::OrIOp::create(b, loc, none, f.gt(score, bestScore));
          Value take = arith::AndIOp::create(
              b, loc, arith::XOrIOp::create(b, loc, load(b, loc, done, n[0]), yes), better);
          store(b, loc, i.select(take, n[0], best), bestBuf);
          store(b, loc, f.select(take, score, bestScore), bestScoreBuf);
        });
        Value best = load(b, loc, bestBuf);
        Value found = i.cmp(arith::CmpIPredicate::slt, best, count);
        Value at = i.min(best, last);
        store(b, loc, yes, done, at);
        Box box = loadBox(f, boxes, batch, at, centerPointBox == 1);
        store(b, loc, no, suppressedBuf);
        buildLoopNest(b, loc, {i.select(found, keptSoFar, i.c(0))},
                      [&](OpBuilder &b, Location loc, ValueRange k) {
          FMath f{b, loc, boxesType.getElementType()};
          Value other = load(b, loc, kept, {batch, cls, k[0]});
          Value overlap =
              overlapsAbove(f, box, loadBox(f, boxes, batch, other, centerPointBox == 1), iou);
          store(b, loc, arith::OrIOp::create(b, loc, load(b, loc, suppressedBuf), overlap),
                suppressedBuf);
        });
        Value suppressed = load(b, loc, suppressedBuf);
        Value keep = f.all({found, open, arith::XOrIOp::create(b, loc, suppressed, yes)});
        SmallVector<Value> slot = {batch, cls, i.min(keptSoFar, last)};
        store(b, loc, i.select(keep, best, load(b, loc, kept, slot)), kept, slot);
        store(b, loc, i.add(keptSoFar, i.select(keep, i.c(1), i.c(0))), keptBuf);
      });
      store(b, loc, load(b, loc, keptBuf), keptCounts, {batch, cls});
    });

    // The result: one row (batch, class, box) per kept box, in batch, class, rank order.
    Value totalBuf = scratch(rewriter, loc, indexType);
    store(rewriter, loc, i.c(0), totalBuf);
    buildLoopNest(rewriter, loc, {batches, classes}, [&](OpBuilder &b, Location loc,
                                                         ValueRange bc) {
      IMath i{b, loc};
      store(b, loc, i.add(load(b, loc, totalBuf), load(b, loc, keptCounts, bc)), totalBuf);
    });
    Value total = load(rewriter, loc, totalBuf);
    Value result = allocBuffer(rewriter, loc, resultType, {total, i.c(3)});
    // A static result type is trusted, but never written past.
    Value rows = getDims(rewriter, loc, result)[0];
    Value lastRow = i.sub(rows, i.c(1));
    Value rowBuf = scratch(rewriter, loc, indexType);
    store(rewriter, loc, i.c(0), rowBuf);
    // An outer loop of one step when there is a row to fill, none otherwise.
    buildLoopNest(rewriter, loc, {i.min(rows, i.c(1)), batches, classes},
                  [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value batch = ivs[1], cls = ivs[2];
      buildLoopNest(b, loc, {load(b, loc, keptCounts, {batch, cls})},
                    [&](OpBuilder &b, Location loc, ValueRange k) {
        IMath i{b, loc};
        Value row = load(b, loc, rowBuf);
        store(b, loc, i.add(row, i.c(1)), rowBuf);
        Value fits = i.cmp(arith::CmpIPredicate::slt, row, rows);
        Value at = i.min(row, lastRow);
        Value values[3] = {batch, cls, load(b, loc, kept, {batch, cls, k[0]})};
        for (int64_t column = 0; column < 3; ++column) {
          SmallVector<Value> to = {at, i.c(column)};
          Value value = arith::IndexCastOp::create(b, loc, b.getI64Type(), values[column]);
          store(b, loc, arith::SelectOp::create(b, loc, fits, value, load(b, loc, result, to)),
                result, to);
        }
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// RoiAlign
//===----------------------------------------------------------------------===//

struct RoiAlignLowering : OpConversionPattern<onnx::RoiAlignOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::RoiAlignOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), rois = adaptor.getRois(), batchIndices = adaptor.getBatchIndices();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto roisType = dyn_cast<MemRefType>(rois.getType());
    auto indicesType = dyn_cast<MemRefType>(batchIndices.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!xType || !roisType || !indicesType || !resultType || xType.getRank() != 4 ||
        roisType.getRank() != 2 || indicesType.getRank() != 1 || resultType.getRank() != 4 ||
        !isFloat(x) || !isFloat(rois))
      return rewriter.notifyMatchFailure(
          op, "needs X [N, C, H, W], rois [num_rois, 4], batch_indices [num_rois], all ranked");
    if (!roisType.isDynamicDim(1) && roisType.getDimSize(1) != 4)
      return rewriter.notifyMatchFailure(op, "a roi has 4 coordinates (x1, y1, x2, y2)");
    StringRef mode = op.getMode(), transform = op.getCoordinateTransformationMode();
    if (mode != "avg" && mode != "max")
      return rewriter.notifyMatchFailure(op, "mode must be avg or max");
    if (transform != "half_pixel" && transform != "output_half_pixel")
      return rewriter.notifyMatchFailure(
          op, "coordinate_transformation_mode must be half_pixel or output_half_pixel");
    int64_t outH = op.getOutputHeight(), outW = op.getOutputWidth();
    int64_t samplingRatio = op.getSamplingRatio();
    if (outH <= 0 || outW <= 0 || samplingRatio < 0)
      return rewriter.notifyMatchFailure(
          op, "output_height and output_width must be positive, sampling_ratio not negative");
    if ((!resultType.isDynamicDim(2) && resultType.getDimSize(2) != outH) ||
        (!resultType.isDynamicDim(3) && resultType.getDimSize(3) != outW))
      return rewriter.notifyMatchFailure(op, "the result type disagrees with output_height/width");
    bool avg = mode == "avg", halfPixel = transform == "half_pixel";
    double spatialScale = op.getSpatialScale().convertToDouble();

    Type element = xType.getElementType();
    Type ft = floatComputeType(element);
    IMath im{rewriter, loc};
    SmallVector<Value> xDims = getDims(rewriter, loc, x);
    Value numRois = getDims(rewriter, loc, rois)[0];
    SmallVector<Value> outDims = {numRois, xDims[1], im.c(outH), im.c(outW)};
    Value result = allocBuffer(rewriter, loc, resultType, outDims);
    Value accBuf = scratch(rewriter, loc, ft);

    buildLoopNest(rewriter, loc, {numRois}, [&](OpBuilder &b, Location loc, ValueRange r) {
      IMath i{b, loc};
      FMath f{b, loc, ft};
      Value batch = i.clamp(toIndex(b, loc, load(b, loc, batchIndices, r[0])), i.c(0),
                            i.sub(xDims[0], i.c(1)));
      Value scale = f.c(spatialScale), offset = f.c(halfPixel ? 0.5 : 0.0);
      Value corner[4]; // x1, y1, x2, y2 in input pixels
      for (int64_t k = 0; k < 4; ++k)
        corner[k] = f.sub(f.mul(f.of(load(b, loc, rois, {r[0], i.c(k)})), scale), offset);
      Value roiW = f.sub(corner[2], corner[0]), roiH = f.sub(corner[3], corner[1]);
      if (!halfPixel) { // the old behaviour: rois at least one pixel wide
        roiW = f.max(roiW, f.c(1));
        roiH = f.max(roiH, f.c(1));
      }
      Value binH = f.div(roiH, f.c(outH)), binW = f.div(roiW, f.c(outW));
      // sampling_ratio, or adaptive: ceil(roi size / output size) samples per bin side.
      Value gridH = i.c(samplingRatio), gridW = i.c(samplingRatio);
      if (samplingRatio == 0) {
        gridH = i.max(f.toIndexSafe(f.ceil(binH)), i.c(0));
        gridW = i.max(f.toIndexSafe(f.ceil(binW)), i.c(0));
      }
      Value samples = i.mul(gridH, gridW);
      Value divisor = f.fromIndex(i.max(samples, i.c(1)));
      Value gridHf = f.fromIndex(gridH), gridWf = f.fromIndex(gridW);
      Value height = xDims[2], width = xDims[3];
      Value heightF = f.fromIndex(height), widthF = f.fromIndex(width);

      buildLoopNest(b, loc, {xDims[1], i.c(outH), i.c(outW)},
                    [&](OpBuilder &b, Location loc, ValueRange cyx) {
        IMath i{b, loc};
        FMath f{b, loc, ft};
        Value channel = cyx[0];
        Value binY = f.add(corner[1], f.mul(f.fromIndex(cyx[1]), binH));
        Value binX = f.add(corner[0], f.mul(f.fromIndex(cyx[2]), binW));
        store(b, loc, f.c(avg ? 0.0 : -INFINITY), accBuf);
        buildLoopNest(b, loc, {gridH, gridW}, [&](OpBuilder &b, Location loc, ValueRange s) {
          IMath i{b, loc};
          FMath f{b, loc, ft};
          auto sample = [&](Value start, Value iv, Value bin, Value grid) {
            return f.add(start, f.div(f.mul(f.add(f.fromIndex(iv), f.c(0.5)), bin), grid));
          };
          Value y = sample(binY, s[0], binH, gridHf), x0 = sample(binX, s[1], binW, gridWf);
          // Samples more than a pixel outside the input count as zero.
          Value inside = f.all({f.ge(y, f.c(-1)), f.le(y, heightF), f.ge(x0, f.c(-1)),
                                f.le(x0, widthF)});
          // Per axis: the low and high neighbours and the fraction towards the high one.
          auto axis = [&](Value coord, Value size) {
            coord = f.select(inside, f.max(coord, f.c(0)), f.c(0));
            Value lastIndex = i.sub(size, i.c(1));
            Value low = f.toIndex(coord);
            Value atEnd = i.cmp(arith::CmpIPredicate::sge, low, lastIndex);
            low = i.select(atEnd, lastIndex, low);
            Value high = i.select(atEnd, lastIndex, i.add(low, i.c(1)));
            coord = f.select(atEnd, f.fromIndex(lastIndex), coord);
            Value fraction = f.sub(coord, f.fromIndex(low));
            return std::tuple(low, high, fraction);
          };
          auto [yLow, yHigh, ly] = axis(y, height);
          auto [xLow, xHigh, lx] = axis(x0, width);
          Value hy = f.sub(f.c(1), ly), hx = f.sub(f.c(1), lx);
          auto at = [&](Value yy, Value xx) {
            return f.of(load(b, loc, x, {batch, channel, yy, xx}));
          };
          Value terms[4] = {f.mul(f.mul(hy, hx), at(yLow, xLow)),
                            f.mul(f.mul(hy, lx), at(yLow, xHigh)),
                            f.mul(f.mul(ly, hx), at(yHigh, xLow)),
                            f.mul(f.mul(ly, lx), at(yHigh, xHigh))};
          Value value = terms[0];
          for (Value term : ArrayRef<Value>(terms).drop_front())
            value = avg ? f.add(value, term) : f.max(value, term);
          value = f.select(inside, value, f.c(0));
          Value acc = load(b, loc, accBuf);
          store(b, loc, avg ? f.add(acc, value) : f.max(acc, value), accBuf);
        });
        Value acc = load(b, loc, accBuf);
        Value value = avg ? f.div(acc, divisor)
                          : f.select(i.cmp(arith::CmpIPredicate::eq, samples, i.c(0)), f.c(0), acc);
        store(b, loc, castFloat(b, loc, value, element), result, {r[0], cyx[0], cyx[1], cyx[2]});
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// MaxRoiPool
//===----------------------------------------------------------------------===//

struct MaxRoiPoolLowering : OpConversionPattern<onnx::MaxRoiPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MaxRoiPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), rois = adaptor.getRois();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto roisType = dyn_cast<MemRefType>(rois.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!xType || !roisType || !resultType || xType.getRank() != 4 || roisType.getRank() != 2 ||
        resultType.getRank() != 4 || !isFloat(x) || !isFloat(rois))
      return rewriter.notifyMatchFailure(op, "needs X [N, C, H, W] and rois [num_rois, 5], ranked");
    if (!roisType.isDynamicDim(1) && roisType.getDimSize(1) != 5)
      return rewriter.notifyMatchFailure(op, "a roi has 5 values (batch, x1, y1, x2, y2)");
    SmallVector<int64_t> pooled;
    for (Attribute a : op.getPooledShape())
      pooled.push_back(cast<IntegerAttr>(a).getInt());
    if (pooled.size() != 2 || pooled[0] <= 0 || pooled[1] <= 0)
      return rewriter.notifyMatchFailure(op, "pooled_shape must be two positive sizes");
    if ((!resultType.isDynamicDim(2) && resultType.getDimSize(2) != pooled[0]) ||
        (!resultType.isDynamicDim(3) && resultType.getDimSize(3) != pooled[1]))
      return rewriter.notifyMatchFailure(op, "the result type disagrees with pooled_shape");
    double spatialScale = op.getSpatialScale().convertToDouble();

    Type element = xType.getElementType();
    Type ft = floatComputeType(element);
    IMath im{rewriter, loc};
    SmallVector<Value> xDims = getDims(rewriter, loc, x);
    Value numRois = getDims(rewriter, loc, rois)[0];
    Value result = allocBuffer(rewriter, loc, resultType,
                               {numRois, xDims[1], im.c(pooled[0]), im.c(pooled[1])});
    Value accBuf = scratch(rewriter, loc, element);
    auto lowest = APFloat::getLargest(cast<FloatType>(element).getFloatSemantics(), true);

    buildLoopNest(rewriter, loc, {numRois}, [&](OpBuilder &b, Location loc, ValueRange r) {
      IMath i{b, loc};
      FMath f{b, loc, ft};
      auto roi = [&](int64_t k) { return f.of(load(b, loc, rois, {r[0], i.c(k)})); };
      // The batch index and the corners, rounded to whole input pixels.
      Value batch = i.clamp(f.toIndexSafe(roi(0)), i.c(0), i.sub(xDims[0], i.c(1)));
      Value scale = f.c(spatialScale);
      auto pixel = [&](int64_t k) {
        return f.toIndexSafe(math::RoundOp::create(b, loc, f.mul(roi(k), scale)));
      };
      Value startX = pixel(1), startY = pixel(2), endX = pixel(3), endY = pixel(4);
      // Malformed rois become one pixel.
      Value roiH = i.max(i.add(i.sub(endY, startY), i.c(1)), i.c(1));
      Value roiW = i.max(i.add(i.sub(endX, startX), i.c(1)), i.c(1));
      Value binH = f.div(f.fromIndex(roiH), f.c(pooled[0]));
      Value binW = f.div(f.fromIndex(roiW), f.c(pooled[1]));

      buildLoopNest(b, loc, {xDims[1], i.c(pooled[0]), i.c(pooled[1])},
                    [&](OpBuilder &b, Location loc, ValueRange cyx) {
        IMath i{b, loc};
        FMath f{b, loc, ft};
        // The bin's input window, clipped to the input.
        auto window = [&](Value iv, Value bin, Value start, Value size) {
          Value begin = f.toIndex(f.floor(f.mul(f.fromIndex(iv), bin)));
          Value end = f.toIndex(f.ceil(f.mul(f.fromIndex(i.add(iv, i.c(1))), bin)));
          begin = i.clamp(i.add(begin, start), i.c(0), size);
          end = i.clamp(i.add(end, start), i.c(0), size);
          return std::pair(begin, i.max(i.sub(end, begin), i.c(0)));
        };
        auto [y0, spanY] = window(cyx[1], binH, startY, xDims[2]);
        auto [x0, spanX] = window(cyx[2], binW, startX, xDims[3]);
        store(b, loc, arith::ConstantOp::create(b, loc, b.getFloatAttr(element, lowest)), accBuf);
        buildLoopNest(b, loc, {spanY, spanX}, [&](OpBuilder &b, Location loc, ValueRange hw) {
          IMath i{b, loc};
          Value v = load(b, loc, x, {batch, cyx[0], i.add(y0, hw[0]), i.add(x0, hw[1])});
          Value acc = load(b, loc, accBuf);
          Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, acc);
          store(b, loc, arith::SelectOp::create(b, loc, greater, v, acc), accBuf);
        });
        // An empty window is zero.
        Value empty = i.cmp(arith::CmpIPredicate::eq, i.mul(spanY, spanX), i.c(0));
        Value value = arith::SelectOp::create(b, loc, empty, constantOf(b, loc, element, 0),
                                              load(b, loc, accBuf));
        store(b, loc, value, result, {r[0], cyx[0], cyx[1], cyx[2]});
      });
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateDetectionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<NonMaxSuppressionLowering, RoiAlignLowering, MaxRoiPoolLowering>(
      converter, patterns.getContext());
}

} // namespace omc
