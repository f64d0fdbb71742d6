//===- Resize.cpp - Resize and Upsample -> krnl -------------------------------===//
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

} // namespace

void populateResizePatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ResizeLowering, UpsampleLowering>(converter, patterns.getContext());
}

} // namespace omc
