//===- Conv.cpp - onnx.Conv and onnx.ConvTranspose -> krnl --------------------===//
//
// Both are lowered gather-style, as a direct loop nest: an outer nest over the
// result (n, m, output spatial...) stores the bias (or 0), and an inner nest over the
// input channels of m's group and the kernel positions accumulates x * w into it.
//
// The attributes are first resolved to static per-dim numbers (kernel, strides,
// dilations, the padding at the start of each dim; auto_pad and ConvTranspose's
// output_shape turned into pads by the ONNX formulas). For output position o and
// kernel position k, the input position is
//   Conv:          o * stride + k * dilation - pad
//   ConvTranspose: (o + pad - k * dilation) / stride, when that divides exactly
// A position that falls in the padding (or between a transposed conv's strides) is
// clamped to 0 for the load, and the loaded value replaced by 0.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <algorithm>
#include <string>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

// Floor division, as ONNX's formulas (written in Python) mean it for negative totals.
int64_t floorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The per-spatial-dim numbers a lowering needs, all static.
struct Geometry {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd, outputPadding;
};

// `attr`'s integers when present (checking there are `size`), else `size` copies of `fill`.
FailureOr<SmallVector<int64_t>> intsOr(ArrayAttr attr, size_t size, int64_t fill) {
  if (!attr)
    return SmallVector<int64_t>(size, fill);
  if (attr.size() != size)
    return failure();
  SmallVector<int64_t> values;
  for (Attribute a : attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

Value index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

template <typename OpTy>
struct ConvLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool transposed = std::is_same_v<OpTy, onnx::ConvTransposeOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), w = adaptor.getW(), bias = adaptor.getB();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto wType = dyn_cast<MemRefType>(w.getType());
    auto resultType =
        dyn_cast_or_null<MemRefType>(this->getTypeConverter()->convertType(op.getY().getType()));
    if (!xType || !wType || !resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs ranked float types");
    int64_t rank = xType.getRank();
    if (rank < 3 || wType.getRank() != rank || resultType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "X, W and Y need the same rank, at least 3");
    int64_t group = op.getGroup();
    if (group < 1)
      return rewriter.notifyMatchFailure(op, "group must be positive");
    if (failed(checkChannels(xType, wType, group)))
      return rewriter.notifyMatchFailure(op, "channels of X and W do not agree with group");
    Geometry g;
    std::string error = resolve(op, xType, wType, g);
    if (!error.empty())
      return rewriter.notifyMatchFailure(op, error);

    SmallVector<Value> xDims = getDims(rewriter, loc, x), wDims = getDims(rewriter, loc, w);
    SmallVector<Value> dims = resultDims(rewriter, loc, resultType, xDims, wDims, g, group);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    emitNest(rewriter, loc, x, w, bias, result, xType, resultType, xDims, wDims, dims, g, group);
    rewriter.replaceOp(op, result);
    return success();
  }

  // Conv's W is [M, C/group, k...]; ConvTranspose's is [C, M/group, k...].
  static LogicalResult checkChannels(MemRefType xType, MemRefType wType, int64_t group) {
    int64_t c = xType.getDimSize(1), w0 = wType.getDimSize(0), w1 = wType.getDimSize(1);
    auto known = [](int64_t d) { return !ShapedType::isDynamic(d); };
    if (known(c) && c % group != 0)
      return failure();
    if (transposed)
      return success(!known(c) || !known(w0) || c == w0);
    if (known(w0) && w0 % group != 0)
      return failure();
    return success(!known(c) || !known(w1) || c == w1 * group);
  }

  // Fills `g` from the attributes and the static shapes; returns why it cannot, or "".
  static std::string resolve(OpTy op, MemRefType xType, MemRefType wType, Geometry &g) {
    size_t spatial = xType.getRank() - 2;
    auto strides = intsOr(op.getStridesAttr(), spatial, 1);
    auto dilations = intsOr(op.getDilationsAttr(), spatial, 1);
    auto pads = intsOr(op.getPadsAttr(), 2 * spatial, 0);
    auto kernel = intsOr(op.getKernelShapeAttr(), spatial, ShapedType::kDynamic);
    auto outputPadding = intsOr(ArrayAttr(), spatial, 0);
    ArrayAttr outputShapeAttr;
    if constexpr (transposed) {
      outputPadding = intsOr(op.getOutputPaddingAttr(), spatial, 0);
      outputShapeAttr = op.getOutputShapeAttr();
    }
    if (failed(strides) || failed(dilations) || failed(pads) || failed(kernel) ||
        failed(outputPadding))
      return "an attribute's length does not match the spatial rank";
    g.strides = *strides;
    g.dilations = *dilations;
    g.kernel = *kernel;
    g.outputPadding = *outputPadding;
    for (size_t i = 0; i < spatial; ++i) {
      int64_t fromW = wType.getDimSize(2 + i);
      if (ShapedType::isDynamic(g.kernel[i]))
        g.kernel[i] = fromW;
      else if (!ShapedType::isDynamic(fromW) && fromW != g.kernel[i])
        return "kernel_shape does not match W";
      if (ShapedType::isDynamic(g.kernel[i]))
        return "needs a static kernel shape (from kernel_shape or W)";
      if (g.strides[i] < 1 || g.dilations[i] < 1)
        return "strides and dilations must be positive";
    }

    StringRef autoPad = op.getAutoPad();
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!same && autoPad != "NOTSET" && autoPad != "VALID")
      return ("unknown auto_pad " + autoPad).str();
    if (!same && !outputShapeAttr) {
      g.padBegin.assign(pads->begin(), pads->begin() + spatial);
      g.padEnd.assign(pads->begin() + spatial, pads->end());
      if (autoPad == "VALID")
        g.padBegin.assign(spatial, 0), g.padEnd.assign(spatial, 0);
      return "";
    }

    // The pads come from a total padding, split between start and end.
    SmallVector<int64_t> outputShape;
    if (outputShapeAttr) {
      outputShape = *intsOr(outputShapeAttr, outputShapeAttr.size(), 0);
      if (outputShape.size() == spatial + 2) // the whole shape: keep the spatial dims
        outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
      if (outputShape.size() != spatial)
        return "output_shape does not match the spatial rank";
    }
    for (size_t i = 0; i < spatial; ++i) {
      int64_t in = xType.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return "auto_pad SAME_* and output_shape need static spatial input dims";
      int64_t s = g.strides[i], extent = (g.kernel[i] - 1) * g.dilations[i] + 1, total;
      if (transposed) {
        int64_t out = outputShape.empty() ? in * s : outputShape[i];
        total = s * (in - 1) + g.outputPadding[i] + extent - out;
      } else {
        int64_t out = (in + s - 1) / s;
        total = std::max<int64_t>(0, (out - 1) * s + extent - in);
      }
      // SAME_UPPER puts the larger half at the end; SAME_LOWER (and NOTSET with an
      // output_shape) at the start.
      int64_t half = floorDiv(total, 2);
      g.padBegin.push_back(autoPad == "SAME_UPPER" ? half : total - half);
      g.padEnd.push_back(total - g.padBegin.back());
    }
    return "";
  }

  // The result's dims: static ones as constants, dynamic ones by the output-size formula.
  static SmallVector<Value> resultDims(OpBuilder &b, Location loc, MemRefType type,
                                       ArrayRef<Value> xDims, ArrayRef<Value> wDims,
                                       const Geometry &g, int64_t group) {
    SmallVector<Value> dims;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        dims.push_back(index(b, loc, type.getDimSize(d)));
        continue;
      }
      if (d < 2) {
        Value channels = transposed
                             ? Value(arith::MulIOp::create(b, loc, wDims[1], index(b, loc, group)))
                             : wDims[0];
        dims.push_back(d == 0 ? xDims[0] : channels);
        continue;
      }
      size_t i = d - 2;
      int64_t s = g.strides[i], extent = (g.kernel[i] - 1) * g.dilations[i] + 1;
      int64_t pads = g.padBegin[i] + g.padEnd[i];
      Value in = xDims[d];
      if (transposed) { // s * in + (output_padding + extent - pads - s)
        Value scaled = arith::MulIOp::create(b, loc, in, index(b, loc, s));
        dims.push_back(arith::AddIOp::create(
            b, loc, scaled, index(b, loc, g.outputPadding[i] + extent - pads - s)));
      } else { // (in + pads - extent) / s + 1
        Value sum = arith::AddIOp::create(b, loc, in, index(b, loc, pads - extent + s));
        dims.push_back(s == 1 ? sum : Value(arith::DivSIOp::create(b, loc, sum, index(b, loc, s))));
      }
    }
    return dims;
  }

  // The input position that output position `o` reads through kernel position `k` along
  // spatial dim `i`, clamped in range, and the condition that it is real (null when it
  // always is, as far as the static sizes tell).
  static std::pair<Value, Value> inputPosition(OpBuilder &b, Location loc, Value o, Value k,
                                               size_t i, const Geometry &g, Value inDim, int64_t in,
                                               int64_t out) {
    int64_t s = g.strides[i], d = g.dilations[i], pad = g.padBegin[i];
    int64_t maxKernel = (g.kernel[i] - 1) * d;
    bool sizesKnown = !ShapedType::isDynamic(in) && !ShapedType::isDynamic(out);
    auto scale = [&](Value v, int64_t factor) -> Value {
      return factor == 1 ? v : arith::MulIOp::create(b, loc, v, index(b, loc, factor));
    };
    auto both = [&](Value a, Value c) -> Value {
      return a ? Value(arith::AndIOp::create(b, loc, a, c)) : c;
    };
    auto cmp = [&](arith::CmpIPredicate predicate, Value lhs, Value rhs) -> Value {
      return arith::CmpIOp::create(b, loc, predicate, lhs, rhs);
    };
    Value zero = index(b, loc, 0), ok;
    Value pos;
    if (!transposed) { // o * s + k * d - pad
      pos = arith::AddIOp::create(b, loc, scale(o, s), scale(k, d));
      if (pad != 0)
        pos = arith::SubIOp::create(b, loc, pos, index(b, loc, pad));
      if (pad > 0)
        ok = cmp(arith::CmpIPredicate::sge, pos, zero);
      if (!sizesKnown || (out - 1) * s + maxKernel - pad > in - 1)
        ok = both(ok, cmp(arith::CmpIPredicate::slt, pos, inDim));
      return {ok ? Value(arith::SelectOp::create(b, loc, ok, pos, zero)) : pos, ok};
    }
    // (o + pad - k * d) / s, real when it is in [0, in * s) and a multiple of s.
    pos = arith::SubIOp::create(b, loc, o, scale(k, d));
    if (pad != 0)
      pos = arith::AddIOp::create(b, loc, pos, index(b, loc, pad));
    if (pad < maxKernel)
      ok = cmp(arith::CmpIPredicate::sge, pos, zero);
    if (!sizesKnown || out - 1 + pad >= in * s)
      ok = both(ok, cmp(arith::CmpIPredicate::slt, pos, scale(inDim, s)));
    if (s != 1) {
      Value rest = arith::RemSIOp::create(b, loc, pos, index(b, loc, s));
      ok = both(ok, cmp(arith::CmpIPredicate::eq, rest, zero));
    }
    if (ok)
      pos = arith::SelectOp::create(b, loc, ok, pos, zero);
    if (s != 1)
      pos = arith::DivUIOp::create(b, loc, pos, index(b, loc, s));
    return {pos, ok};
  }

  static void emitNest(OpBuilder &builder, Location loc, Value x, Value w, Value bias, Value result,
                       MemRefType xType, MemRefType resultType, ArrayRef<Value> xDims,
                       ArrayRef<Value> wDims, ArrayRef<Value> dims, const Geometry &g,
                       int64_t group) {
    size_t spatial = xType.getRank() - 2;
    Type elementType = resultType.getElementType();
    bool hasBias = isa<MemRefType>(bias.getType());
    // Channels per group, of the result and of the input.
    Value groups = index(builder, loc, group);
    Value mPerGroup = transposed ? wDims[1] : arith::DivUIOp::create(builder, loc, dims[1], groups);
    Value cPerGroup =
        transposed ? arith::DivUIOp::create(builder, loc, xDims[1], groups) : wDims[1];
    SmallVector<Value> reductionBounds = {cPerGroup};
    for (size_t i = 0; i < spatial; ++i)
      reductionBounds.push_back(index(builder, loc, g.kernel[i]));

    buildLoopNest(builder, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value n = ivs[0], m = ivs[1];
      // m's group starts at input channel firstChannel; m is mInGroup within it.
      Value firstChannel, mInGroup = m;
      if (group != 1) {
        Value groupIndex = arith::DivUIOp::create(b, loc, m, mPerGroup);
        firstChannel = arith::MulIOp::create(b, loc, groupIndex, cPerGroup);
        mInGroup = arith::RemUIOp::create(b, loc, m, mPerGroup);
      }
      Value init = hasBias ? Value(krnl::LoadOp::create(b, loc, bias, ValueRange{m}))
                           : constantOf(b, loc, elementType, 0);
      krnl::StoreOp::create(b, loc, init, result, ivs);
      buildLoopNest(b, loc, reductionBounds, [&](OpBuilder &b, Location loc, ValueRange rs) {
        Value channel =
            group == 1 ? rs[0] : Value(arith::AddIOp::create(b, loc, firstChannel, rs[0]));
        SmallVector<Value> xIndex = {n, channel}, wIndex;
        if (transposed)
          wIndex = {channel, mInGroup};
        else
          wIndex = {m, rs[0]};
        Value valid;
        for (size_t i = 0; i < spatial; ++i) {
          wIndex.push_back(rs[1 + i]);
          auto [pos, ok] = inputPosition(b, loc, ivs[2 + i], rs[1 + i], i, g, xDims[2 + i],
                                         xType.getDimSize(2 + i), resultType.getDimSize(2 + i));
          xIndex.push_back(pos);
          if (ok)
            valid = valid ? Value(arith::AndIOp::create(b, loc, valid, ok)) : ok;
        }
        Value xValue = krnl::LoadOp::create(b, loc, x, xIndex);
        if (valid)
          xValue =
              arith::SelectOp::create(b, loc, valid, xValue, constantOf(b, loc, elementType, 0));
        Value wValue = krnl::LoadOp::create(b, loc, w, wIndex);
        Value acc = krnl::LoadOp::create(b, loc, result, ivs);
        Value sum =
            arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, xValue, wValue));
        krnl::StoreOp::create(b, loc, sum, result, ivs);
      });
    });
  }
};

} // namespace

void populateConvPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConvLowering<onnx::ConvOp>, ConvLowering<onnx::ConvTransposeOp>>(
      converter, patterns.getContext());
}

} // namespace omc
