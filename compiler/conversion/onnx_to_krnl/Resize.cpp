//===- Resize.cpp - Resize, Upsample and GridSample -> krnl ---------------===//
//
// A gather: one krnl nest over the output, and for each output element, per dim, the
// source coordinate (coordinate_transformation_mode) and the taps around it: nearest
// picks one, linear weighs 2 and cubic 4 (indices clamped to the border, as the ONNX
// reference pads with edge values). The taps of all dims are nested and unrolled at
// compile time, summing value * product of the dims' weights. Coordinates and weights
// are computed in f64, like the reference that made the backend test data.
//
// scales, sizes and roi are read when the model runs (the backend cases feed them as
// inputs); a dim whose input size is statically 1, or whose constant scale is 1, needs
// no taps. Upsample (opset 9) is Resize with asymmetric coordinates (nearest: floor).
// GridSample, at the end, interpolates the same way at points a grid tensor gives.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <functional>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {
namespace {

struct ResizeSpec {
  StringRef mode;        // nearest | linear | cubic
  StringRef coordinates; // coordinate_transformation_mode
  StringRef nearestMode;
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0.0;
};

// Thin arith shorthands over one builder and location.
struct Arith {
  OpBuilder &b;
  Location loc;
  Value f64(double v) { return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v)); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  // A float of any width, or an integer, as f64.
  Value toF64(Value x) {
    Type t = x.getType();
    if (t.isF64())
      return x;
    if (isa<FloatType>(t))
      return arith::ExtFOp::create(b, loc, b.getF64Type(), x);
    if (t.isIndex())
      x = arith::IndexCastOp::create(b, loc, b.getI64Type(), x);
    return arith::SIToFPOp::create(b, loc, b.getF64Type(), x);
  }
  // An integral f64 as an index.
  Value toIndex(Value x) {
    Value i = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
  }
  Value load(Value memref, int64_t i) {
    Value index = arith::ConstantIndexOp::create(b, loc, i);
    return krnl::LoadOp::create(b, loc, memref, ValueRange{index});
  }
};

// The values of a constant float or integer tensor, or nothing.
std::optional<SmallVector<double>> constantValues(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  if (isa<FloatType>(attr.getElementType()))
    for (APFloat v : attr.getValues<APFloat>())
      values.push_back(v.convertToDouble());
  else
    for (APInt v : attr.getValues<APInt>())
      values.push_back(static_cast<double>(v.getSExtValue()));
  return values;
}

bool isAbsent(Value value) {
  if (isa<NoneType>(value.getType()))
    return true;
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && type.hasStaticShape() && type.getNumElements() == 0;
}

// What one dim of the output needs, computed before the nest.
struct DimInfo {
  bool fixed = false;     // no taps: the source index is `fixedIndex` or the output's
  bool useOutput = false; // with fixed: the output index itself (scale 1)
  Value length;           // input size, f64
  Value scale;            // f64
  Value resized;          // the reference's output_width: scale * input size, f64
  Value roiExtent, roiOffset; // tf_crop_and_resize: end - start, start * (L - 1)
};

// `x`, `roi`, `scales`, `sizes` are the converted operands (roi/scales/sizes may be
// null); `scalesOp`/`sizesOp` the original ones (for constants and absence).
LogicalResult lowerResize(Operation *op, ConversionPatternRewriter &rewriter,
                          MemRefType resultType, Value x, Value roi, Value scales,
                          Value sizes, Value scalesOp, Value sizesOp, const ResizeSpec &spec) {
  Location loc = op->getLoc();
  auto xType = dyn_cast<MemRefType>(x.getType());
  if (!xType || !resultType || resultType.getRank() != xType.getRank())
    return rewriter.notifyMatchFailure(op, "needs ranked input and result of the same rank");
  Type element = xType.getElementType();
  bool nearest = spec.mode == "nearest", cubic = spec.mode == "cubic";
  if (!nearest && !cubic && spec.mode != "linear")
    return rewriter.notifyMatchFailure(op, "mode must be nearest, linear or cubic");
  if (!nearest && !isa<FloatType>(element))
    return rewriter.notifyMatchFailure(op, "linear and cubic modes need a float input");
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_crop_and_resize", "tf_half_pixel_for_nn"},
                          spec.coordinates))
    return rewriter.notifyMatchFailure(op, "unknown coordinate_transformation_mode");
  if (nearest && !llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
                                     spec.nearestMode))
    return rewriter.notifyMatchFailure(op, "unknown nearest_mode");
  bool crop = spec.coordinates == "tf_crop_and_resize";
  int64_t rank = xType.getRank();
  bool useSizes = sizes && !isAbsent(sizesOp);
  if (!useSizes && (!scales || isAbsent(scalesOp)))
    return rewriter.notifyMatchFailure(op, "needs scales or sizes");
  Value factors = useSizes ? sizes : scales;
  auto factorsType = dyn_cast<MemRefType>(factors.getType());
  if (!factorsType || factorsType.getRank() != 1 ||
      (!factorsType.isDynamicDim(0) && factorsType.getDimSize(0) != rank))
    return rewriter.notifyMatchFailure(op, "scales/sizes must hold one value per input dim");
  if (crop) {
    auto roiType = roi ? dyn_cast<MemRefType>(roi.getType()) : MemRefType();
    if (!roiType || roiType.getRank() != 1 ||
        (!roiType.isDynamicDim(0) && roiType.getDimSize(0) != 2 * rank))
      return rewriter.notifyMatchFailure(op, "tf_crop_and_resize needs a roi of 2 * rank values");
  }
  auto known = constantValues(useSizes ? sizesOp : scalesOp);

  Arith a{rewriter, loc};
  SmallVector<Value> inDims = getDims(rewriter, loc, x), outDims;
  SmallVector<DimInfo> dims(rank);
  for (int64_t d = 0; d < rank; ++d) {
    DimInfo &info = dims[d];
    // Dims that need no interpolation: a single input element (every tap clamps to
    // it and the weights sum to 1), or a constant scale of 1 (the coordinate is the
    // output index in every mode but the two that shift it).
    bool unitScale = known && known->size() == static_cast<size_t>(rank) &&
                     (useSizes ? !xType.isDynamicDim(d) && (*known)[d] == xType.getDimSize(d)
                               : (*known)[d] == 1.0);
    if (xType.getDimSize(d) == 1) {
      info.fixed = true;
    } else if (unitScale && !crop && spec.coordinates != "tf_half_pixel_for_nn") {
      info.fixed = info.useOutput = true;
    }
    info.length = a.toF64(inDims[d]);
    Value raw = a.load(factors, d);
    if (useSizes) {
      Value size = a.toF64(raw);
      info.scale = a.div(size, info.length);
      info.resized = a.mul(info.scale, info.length);
    } else {
      info.scale = a.toF64(raw);
      // In the reference the product stays in f32 (it only matters for align_corners).
      Value lengthF32 = arith::SIToFPOp::create(
          rewriter, loc, rewriter.getF32Type(),
          arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), inDims[d]));
      info.resized = a.toF64(arith::MulFOp::create(rewriter, loc, raw, lengthF32));
    }
    if (!resultType.isDynamicDim(d))
      outDims.push_back(arith::ConstantIndexOp::create(rewriter, loc, resultType.getDimSize(d)));
    else if (useSizes)
      outDims.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), raw));
    else
      outDims.push_back(a.toIndex(a.floor(a.mul(info.scale, info.length))));
    if (crop) {
      // roi arithmetic in roi's own type, as in the reference.
      Value start = a.load(roi, d), end = a.load(roi, rank + d);
      Type roiElement = start.getType();
      Value lengthMinusOne = arith::SIToFPOp::create(
          rewriter, loc, roiElement,
          arith::IndexCastOp::create(
              rewriter, loc, rewriter.getI64Type(),
              arith::SubIOp::create(rewriter, loc, inDims[d],
                                    arith::ConstantIndexOp::create(rewriter, loc, 1))));
      info.roiExtent = a.toF64(arith::SubFOp::create(rewriter, loc, end, start));
      info.roiOffset = a.toF64(arith::MulFOp::create(rewriter, loc, start, lengthMinusOne));
    }
  }

  Value result = allocBuffer(rewriter, loc, resultType, outDims);
  buildLoopNest(rewriter, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Arith a{b, loc};
    Value zeroIndex = arith::ConstantIndexOp::create(b, loc, 0);
    Value zero = a.f64(0), one = a.f64(1), half = a.f64(0.5);
    Value outside = arith::ConstantIntOp::create(b, loc, 0, 1);
    // Per dim: the source indices of its taps and their weights.
    SmallVector<SmallVector<Value>> tapIndices(rank), tapWeights(rank);
    for (int64_t d = 0; d < rank; ++d) {
      const DimInfo &info = dims[d];
      if (info.fixed) {
        tapIndices[d].push_back(info.useOutput ? ivs[d] : zeroIndex);
        continue;
      }
      Value out = a.toF64(ivs[d]);
      Value lastIndex = a.sub(info.length, one);
      Value single = a.cmp(arith::CmpFPredicate::OEQ, info.resized, one);
      Value coord;
      StringRef mode = spec.coordinates;
      if (mode == "half_pixel") {
        coord = a.sub(a.div(a.add(out, half), info.scale), half);
      } else if (mode == "pytorch_half_pixel") {
        coord = a.select(single, a.f64(-0.5), a.sub(a.div(a.add(out, half), info.scale), half));
      } else if (mode == "align_corners") {
        coord = a.select(single, zero, a.div(a.mul(out, lastIndex), a.sub(info.resized, one)));
      } else if (mode == "asymmetric") {
        coord = a.div(out, info.scale);
      } else if (mode == "tf_half_pixel_for_nn") {
        coord = a.div(a.add(out, half), info.scale);
      } else { // tf_crop_and_resize
        Value spread = a.mul(info.roiExtent, lastIndex);
        coord = a.select(single, a.div(spread, a.f64(2)),
                         a.div(a.mul(a.mul(out, info.roiExtent), lastIndex),
                               a.sub(info.resized, one)));
        coord = a.add(coord, info.roiOffset);
        Value below = a.cmp(arith::CmpFPredicate::OLT, coord, zero);
        Value above = a.cmp(arith::CmpFPredicate::OGT, coord, lastIndex);
        outside = arith::OrIOp::create(b, loc, outside, arith::OrIOp::create(b, loc, below, above));
      }
      Value base = a.floor(coord);
      Value ratio = a.sub(coord, base);
      auto clampIndex = [&](Value index) {
        return a.toIndex(arith::MinimumFOp::create(
            b, loc, arith::MaximumFOp::create(b, loc, index, zero), lastIndex));
      };
      if (nearest) {
        // An integral coordinate is its own index; otherwise round as nearest_mode says.
        Value up;
        StringRef nm = spec.nearestMode;
        if (nm == "round_prefer_floor")
          up = a.cmp(arith::CmpFPredicate::OGT, ratio, half);
        else if (nm == "round_prefer_ceil")
          up = a.cmp(arith::CmpFPredicate::OGE, ratio, half);
        else if (nm == "floor")
          up = arith::ConstantIntOp::create(b, loc, 0, 1);
        else
          up = a.cmp(arith::CmpFPredicate::ONE, ratio, zero);
        tapIndices[d].push_back(clampIndex(a.add(base, a.select(up, one, zero))));
        continue;
      }
      // Taps base..base+1 (linear) or base-1..base+2 (cubic).
      SmallVector<Value> weights;
      if (cubic) {
        Value A = a.f64(spec.cubicA);
        Value r = ratio, s = a.sub(one, ratio);
        Value r1 = a.add(r, one), s1 = a.add(s, one);
        // Keys' kernel: |t| in [1, 2) for the outer taps, [0, 1) for the inner ones.
        auto outer = [&](Value t) {
          Value p = a.sub(a.mul(A, t), a.mul(a.f64(5), A));
          p = a.add(a.mul(p, t), a.mul(a.f64(8), A));
          return a.sub(a.mul(p, t), a.mul(a.f64(4), A));
        };
        auto inner = [&](Value t) {
          Value p = a.sub(a.mul(a.add(A, a.f64(2)), t), a.add(A, a.f64(3)));
          return a.add(a.mul(a.mul(p, t), t), one);
        };
        weights = {outer(r1), inner(r), inner(s), outer(s1)};
      } else {
        weights = {a.sub(one, ratio), ratio};
      }
      int64_t first = cubic ? -1 : 0;
      Value sum = zero;
      for (auto [t, w] : llvm::enumerate(weights)) {
        Value index = a.add(base, a.f64(first + static_cast<int64_t>(t)));
        if (spec.excludeOutside) {
          // Taps outside the input weigh nothing; the others are renormalized below.
          Value in = arith::AndIOp::create(b, loc, a.cmp(arith::CmpFPredicate::OGE, index, zero),
                                           a.cmp(arith::CmpFPredicate::OLE, index, lastIndex));
          w = a.select(in, w, zero);
          sum = a.add(sum, w);
        }
        tapIndices[d].push_back(clampIndex(index));
        tapWeights[d].push_back(w);
      }
      if (spec.excludeOutside)
        for (Value &w : tapWeights[d])
          w = a.div(w, sum);
    }

    Value value;
    if (nearest) {
      SmallVector<Value> from;
      for (auto &indices : tapIndices)
        from.push_back(indices[0]);
      value = krnl::LoadOp::create(b, loc, x, from);
    } else {
      // Sum over every combination of taps, weight = product of the dims' weights.
      SmallVector<Value> from(rank);
      Value total = zero;
      std::function<void(int64_t, Value)> visit = [&](int64_t d, Value weight) {
        if (d == rank) {
          Value v = a.toF64(krnl::LoadOp::create(b, loc, x, from));
          total = a.add(total, weight ? a.mul(weight, v) : v);
          return;
        }
        for (auto [t, index] : llvm::enumerate(tapIndices[d])) {
          from[d] = index;
          Value w = tapWeights[d].empty() ? weight
                    : weight              ? a.mul(weight, tapWeights[d][t])
                                          : tapWeights[d][t];
          visit(d + 1, w);
        }
      };
      visit(0, Value());
      value = total;
      if (!element.isF64())
        value = arith::TruncFOp::create(b, loc, element, value);
    }
    if (crop)
      value = a.select(outside, constantOf(b, loc, element, spec.extrapolation), value);
    krnl::StoreOp::create(b, loc, value, result, ivs);
  });
  rewriter.replaceOp(op, result);
  return success();
}

// An absent optional operand (onnx.NoValue) converts to itself, a none value.
Value present(Value operand) { return isa<NoneType>(operand.getType()) ? Value() : operand; }

struct ResizeLowering : OpConversionPattern<onnx::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ResizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ResizeSpec spec;
    spec.mode = op.getMode();
    spec.coordinates = op.getCoordinateTransformationMode();
    spec.nearestMode = op.getNearestMode();
    spec.cubicA = op.getCubicCoeffA().convertToDouble();
    spec.excludeOutside = op.getExcludeOutside() != 0;
    spec.extrapolation = op.getExtrapolationValue().convertToDouble();
    return lowerResize(op, rewriter, convertedResult(getTypeConverter(), op.getY()),
                       adaptor.getX(), present(adaptor.getRoi()), present(adaptor.getScales()),
                       present(adaptor.getSizes()), op.getScales(), op.getSizes(), spec);
  }
};

struct UpsampleLowering : OpConversionPattern<onnx::UpsampleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::UpsampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ResizeSpec spec;
    spec.mode = op.getMode();
    spec.coordinates = "asymmetric";
    spec.nearestMode = "floor";
    return lowerResize(op, rewriter, convertedResult(getTypeConverter(), op.getY()),
                       adaptor.getX(), Value(), adaptor.getScales(), Value(), op.getScales(),
                       Value(), spec);
  }
};

// GridSample (opset 16, 4-D): Y[n, c, i, j] samples X[n, c] at the point grid[n, i, j]
// = (x, y), normalized to [-1, 1] over the width and height. The arithmetic is
// torch.nn.functional.grid_sample's (which made the backend test data), in the
// element's compute type: the point is unnormalized (align_corners: -1 and 1 are the
// corner pixels' centers, else their outer edges); bilinear and nearest move it into
// the input first as padding_mode says (border clamps, reflection mirrors at the
// edges), bicubic applies the padding to each of its 4x4 taps instead. A tap outside
// the input reads 0 (only zeros padding leaves any outside).
struct GridSampleLowering : OpConversionPattern<onnx::GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::GridSampleOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), grid = adaptor.getGrid();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto gridType = dyn_cast<MemRefType>(grid.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    if (!xType || !gridType || !resultType || xType.getRank() != 4 || gridType.getRank() != 4 ||
        resultType.getRank() != 4)
      return rewriter.notifyMatchFailure(
          op, "needs a 4-D X [N, C, H, W] and grid [N, H_out, W_out, 2] (only 4-D is defined)");
    Type element = xType.getElementType();
    if (!isa<FloatType>(element) || !isa<FloatType>(gridType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs float X and grid");
    if (!gridType.isDynamicDim(3) && gridType.getDimSize(3) != 2)
      return rewriter.notifyMatchFailure(op, "a grid point has 2 coordinates (x, y)");
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
      return rewriter.notifyMatchFailure(op, "mode must be bilinear, nearest or bicubic");
    if (padding != "zeros" && padding != "border" && padding != "reflection")
      return rewriter.notifyMatchFailure(op, "padding_mode must be zeros, border or reflection");
    int64_t alignAttr = op.getAlignCorners();
    if (alignAttr != 0 && alignAttr != 1)
      return rewriter.notifyMatchFailure(op, "align_corners must be 0 or 1");
    bool alignCorners = alignAttr == 1;
    // The result's dims: N and C of X, H_out and W_out of the grid.
    int64_t expected[4] = {xType.getDimSize(0), xType.getDimSize(1), gridType.getDimSize(1),
                           gridType.getDimSize(2)};
    for (int64_t d = 0; d < 4; ++d)
      if (!resultType.isDynamicDim(d) && !ShapedType::isDynamic(expected[d]) &&
          resultType.getDimSize(d) != expected[d])
        return rewriter.notifyMatchFailure(op, "the result shape is not [N, C, H_out, W_out]");

    SmallVector<Value> xDims = getDims(rewriter, loc, x), gridDims = getDims(rewriter, loc, grid);
    SmallVector<Value> outDims = {xDims[0], xDims[1], gridDims[1], gridDims[2]};
    Value result = allocBuffer(rewriter, loc, resultType, outDims);
    Type ft = floatComputeType(element);
    auto sizeOf = [&](Value dim) {
      Value wide = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), dim);
      return arith::SIToFPOp::create(rewriter, loc, ft, wide).getResult();
    };
    Value height = sizeOf(xDims[2]), width = sizeOf(xDims[3]);
    buildLoopNest(rewriter, loc, outDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      auto c = [&](double v) { return constantOf(b, loc, ft, v); };
      auto add = [&](Value p, Value q) { return arith::AddFOp::create(b, loc, p, q).getResult(); };
      auto sub = [&](Value p, Value q) { return arith::SubFOp::create(b, loc, p, q).getResult(); };
      auto mul = [&](Value p, Value q) { return arith::MulFOp::create(b, loc, p, q).getResult(); };
      auto div = [&](Value p, Value q) { return arith::DivFOp::create(b, loc, p, q).getResult(); };
      auto floor = [&](Value p) { return math::FloorOp::create(b, loc, p).getResult(); };
      auto cmp = [&](arith::CmpFPredicate pred, Value p, Value q) {
        return arith::CmpFOp::create(b, loc, pred, p, q).getResult();
      };
      auto select = [&](Value cond, Value p, Value q) {
        return arith::SelectOp::create(b, loc, cond, p, q).getResult();
      };
      auto andI = [&](Value p, Value q) { return arith::AndIOp::create(b, loc, p, q).getResult(); };
      Value n = ivs[0], channel = ivs[1];
      auto gridAt = [&](int64_t k) {
        Value v = krnl::LoadOp::create(b, loc, grid,
                                       ValueRange{n, ivs[2], ivs[3], indexConstant(b, loc, k)});
        return castFloat(b, loc, v, ft);
      };
      auto unnormalize = [&](Value coord, Value size) {
        Value one = c(1);
        if (alignCorners)
          return mul(div(add(coord, one), c(2)), sub(size, one));
        return div(sub(mul(add(coord, one), size), one), c(2));
      };
      auto clip = [&](Value coord, Value size) {
        return arith::MinimumFOp::create(b, loc, sub(size, c(1)),
                                         arith::MaximumFOp::create(b, loc, coord, c(0)))
            .getResult();
      };
      // Mirrors `coord` into [low, high] = [0, size - 1] (align_corners) or
      // [-0.5, size - 0.5], bouncing as often as it takes.
      auto reflect = [&](Value coord, Value size) {
        Value low = alignCorners ? c(0) : c(-0.5);
        Value span = alignCorners ? sub(size, c(1)) : size;
        Value distance = math::AbsFOp::create(b, loc, sub(coord, low));
        Value flips = floor(div(distance, span));
        Value extra = sub(distance, mul(flips, span));
        Value odd = cmp(arith::CmpFPredicate::OEQ, sub(flips, mul(c(2), floor(div(flips, c(2))))),
                        c(1));
        Value reflected = add(select(odd, sub(span, extra), extra), low);
        // A single pixel (align_corners): every point is its center.
        return select(cmp(arith::CmpFPredicate::OEQ, span, c(0)), c(0), reflected);
      };
      auto pad = [&](Value coord, Value size) {
        if (padding == "border")
          return clip(coord, size);
        if (padding == "reflection")
          return clip(reflect(coord, size), size);
        return coord;
      };
      // X at the integral point (px, py), or 0 outside the input.
      auto tap = [&](Value px, Value py) {
        Value inX = andI(cmp(arith::CmpFPredicate::OGE, px, c(0)),
                         cmp(arith::CmpFPredicate::OLE, px, sub(width, c(1))));
        Value inY = andI(cmp(arith::CmpFPredicate::OGE, py, c(0)),
                         cmp(arith::CmpFPredicate::OLE, py, sub(height, c(1))));
        Value inside = andI(inX, inY);
        auto index = [&](Value p) {
          Value i = arith::FPToSIOp::create(b, loc, b.getI64Type(), select(inside, p, c(0)));
          return arith::IndexCastOp::create(b, loc, b.getIndexType(), i).getResult();
        };
        Value v = krnl::LoadOp::create(b, loc, x, ValueRange{n, channel, index(py), index(px)});
        return select(inside, castFloat(b, loc, v, ft), c(0));
      };

      Value ix = unnormalize(gridAt(0), width), iy = unnormalize(gridAt(1), height);
      Value value;
      if (mode == "nearest") {
        ix = pad(ix, width);
        iy = pad(iy, height);
        // Halves round to even, as nearbyint does.
        value = tap(math::RoundEvenOp::create(b, loc, ix), math::RoundEvenOp::create(b, loc, iy));
      } else if (mode == "bilinear") {
        ix = pad(ix, width);
        iy = pad(iy, height);
        Value x0 = floor(ix), y0 = floor(iy);
        Value x1 = add(x0, c(1)), y1 = add(y0, c(1));
        Value left = sub(x1, ix), right = sub(ix, x0), top = sub(y1, iy), bottom = sub(iy, y0);
        // One statement per tap keeps the emitted order fixed.
        value = mul(tap(x0, y0), mul(left, top));
        value = add(value, mul(tap(x1, y0), mul(right, top)));
        value = add(value, mul(tap(x0, y1), mul(left, bottom)));
        value = add(value, mul(tap(x1, y1), mul(right, bottom)));
      } else {
        // Keys' cubic kernel with A = -0.75 over the taps floor - 1 .. floor + 2.
        Value a = c(-0.75);
        auto inner = [&](Value t) { // |t| < 1
          return add(mul(mul(sub(mul(add(a, c(2)), t), add(a, c(3))), t), t), c(1));
        };
        auto outer = [&](Value t) { // 1 <= |t| < 2
          Value p = add(mul(sub(mul(a, t), mul(c(5), a)), t), mul(c(8), a));
          return sub(mul(p, t), mul(c(4), a));
        };
        auto weights = [&](Value t) {
          return SmallVector<Value>{outer(add(t, c(1))), inner(t), inner(sub(c(1), t)),
                                    outer(sub(c(2), t))};
        };
        Value x0 = floor(ix), y0 = floor(iy);
        SmallVector<Value> wx = weights(sub(ix, x0)), wy = weights(sub(iy, y0));
        SmallVector<Value> columns;
        for (int64_t m = 0; m < 4; ++m)
          columns.push_back(pad(add(x0, c(m - 1)), width));
        for (int64_t k = 0; k < 4; ++k) {
          Value row = pad(add(y0, c(k - 1)), height);
          Value sum;
          for (int64_t m = 0; m < 4; ++m) {
            Value term = mul(tap(columns[m], row), wx[m]);
            sum = sum ? add(sum, term) : term;
          }
          Value term = mul(sum, wy[k]);
          value = value ? add(value, term) : term;
        }
      }
      krnl::StoreOp::create(b, loc, castFloat(b, loc, value, element), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateResizePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ResizeLowering, UpsampleLowering, GridSampleLowering>(converter,
                                                                     patterns.getContext());
}

} // namespace omc
