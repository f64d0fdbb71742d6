//===- Quantization.cpp - QuantizeLinear, DequantizeLinear and the QLinear/Integer ops -> krnl ===//
//
// Linear quantization maps a float x to the 8-bit q = saturate(round(x / scale) + zero_point),
// rounding half to even and saturating to the type's range; dequantization is
// (q - zero_point) * scale. Scale and zero point are one per tensor (a scalar or a
// one-element tensor) or one per slice along an axis (a 1-D tensor).
//
//   QuantizeLinear, DequantizeLinear: one elementwise nest.
//   DynamicQuantizeLinear: a nest for the min and max (both with 0 included), then
//     scale = (max - min) / 255 and zero_point = saturate(round(-min / scale)), then
//     a nest quantizing x with them (uint8 only).
//   ConvInteger, QLinearConv: the Conv nest (ConvCommon.h) over int32 values, each
//     8-bit element widened by its signedness minus its zero point; QLinearConv
//     requantizes each sum by x_scale * w_scale / y_scale.
//   QLinearMatMul: the MatMul nest (MatMulCommon.h) the same way.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <string>

#include "compiler/conversion/onnx_to_krnl/ConvCommon.h"
#include "compiler/conversion/onnx_to_krnl/MatMulCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

// Whether an optional operand (as converted; null where the op has none) is present.
bool present(Value operand) { return operand && isa<MemRefType>(operand.getType()); }

// The element type of an onnx value's tensor: it keeps the signedness the buffers drop.
Type onnxElement(Value value) { return cast<ShapedType>(value.getType()).getElementType(); }

bool isQuantized(Type type) { return type.isInteger(8); }

// An integer element as i32, extended by its ONNX signedness.
Value widen(OpBuilder &b, Location loc, Value value, Type onnxType) {
  Type i32 = b.getI32Type();
  if (value.getType() == i32)
    return value;
  if (onnxType.isUnsignedInteger())
    return arith::ExtUIOp::create(b, loc, i32, value);
  return arith::ExtSIOp::create(b, loc, i32, value);
}

// An element as f32: integers converted by their ONNX signedness.
Value toFloat(OpBuilder &b, Location loc, Value value, Type onnxType) {
  Type f32 = b.getF32Type();
  if (isa<FloatType>(value.getType()))
    return castFloat(b, loc, value, f32);
  if (onnxType.isUnsignedInteger())
    return arith::UIToFPOp::create(b, loc, f32, value);
  return arith::SIToFPOp::create(b, loc, f32, value);
}

// Why a scale or zero point cannot be one per tensor or one per slice of a dim of
// static size `lines` (dynamic when unknown or when only one per tensor fits), or "".
std::string checkParam(Value param, StringRef name, int64_t lines) {
  auto type = cast<MemRefType>(param.getType());
  if (type.getRank() > 1)
    return (name + " must be a scalar or a 1-D tensor").str();
  if (type.getRank() == 0)
    return "";
  int64_t size = type.getDimSize(0);
  if (!ShapedType::isDynamic(size) && size != 1 && !ShapedType::isDynamic(lines) && size != lines)
    return (name + " has " + Twine(size) + " elements where " + Twine(lines) + " or 1 are needed")
        .str();
  return "";
}

// The element of a scale or zero point for slice `line`: its only element when it has
// one (a scalar, or a 1-D tensor of size 1), else element `line`.
Value loadParam(OpBuilder &b, Location loc, Value param, Value line) {
  auto type = cast<MemRefType>(param.getType());
  SmallVector<Value> at;
  if (type.getRank() == 1) {
    Value zero = indexConstant(b, loc, 0);
    if (type.getDimSize(0) == 1 || !line) {
      at.push_back(zero);
    } else if (!type.isDynamicDim(0)) {
      at.push_back(line);
    } else {
      Value size = memref::DimOp::create(b, loc, param, 0);
      Value single = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size,
                                           indexConstant(b, loc, 1));
      at.push_back(arith::SelectOp::create(b, loc, single, zero, line));
    }
  }
  return krnl::LoadOp::create(b, loc, param, at);
}

// saturate(round(value) + zeroPoint) as the 8-bit `onnxType`, from the f32 `value` and
// `zeroPoint` (null: 0). Rounds half to even; NaN saturates to the low end.
Value saturate(OpBuilder &b, Location loc, Value value, Value zeroPoint, Type onnxType) {
  Type f32 = b.getF32Type();
  bool isUnsigned = onnxType.isUnsignedInteger();
  Value low = constantOf(b, loc, f32, isUnsigned ? 0 : -128);
  Value high = constantOf(b, loc, f32, isUnsigned ? 255 : 127);
  Value rounded = math::RoundEvenOp::create(b, loc, value);
  if (zeroPoint)
    rounded = arith::AddFOp::create(b, loc, rounded, zeroPoint);
  Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ULT, rounded, low);
  Value clamped = arith::SelectOp::create(b, loc, below, low, rounded);
  Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, clamped, high);
  clamped = arith::SelectOp::create(b, loc, above, high, clamped);
  // Through i32: 255 does not fit a signed 8-bit conversion.
  Value integer = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), integer);
}

// The axis attribute in [0, rank), or failure.
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// QuantizeLinear and DequantizeLinear
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct LinearLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool quantize = std::is_same_v<OpTy, onnx::QuantizeLinearOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), scale, zeroPoint, onnxZeroPoint;
    if constexpr (quantize) {
      scale = adaptor.getYScale();
      zeroPoint = adaptor.getYZeroPoint();
      onnxZeroPoint = op.getYZeroPoint();
    } else {
      scale = adaptor.getXScale();
      zeroPoint = adaptor.getXZeroPoint();
      onnxZeroPoint = op.getXZeroPoint();
    }
    auto xType = dyn_cast<MemRefType>(x.getType());
    MemRefType resultType = convertedResult(this->getTypeConverter(), op.getY());
    if (!xType || !resultType || !isa<MemRefType>(scale.getType()))
      return rewriter.notifyMatchFailure(op, "needs ranked operands and result");
    Type onnxResult = onnxElement(op.getY());
    if (quantize && !isQuantized(onnxResult))
      return rewriter.notifyMatchFailure(op, "the result must be int8 or uint8");
    bool hasZeroPoint = present(zeroPoint);
    int64_t rank = xType.getRank();
    // A 1-D scale (or zero point) runs along `axis`; with one per tensor the axis is unused.
    bool perAxis = cast<MemRefType>(scale.getType()).getRank() == 1 ||
                   (hasZeroPoint && cast<MemRefType>(zeroPoint.getType()).getRank() == 1);
    int64_t axis = 0, lines = ShapedType::kDynamic;
    if (perAxis && rank > 0) {
      FailureOr<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
      if (failed(normalized))
        return rewriter.notifyMatchFailure(op, "axis is out of range for the input's rank");
      axis = *normalized;
      lines = xType.getDimSize(axis);
    } else if (perAxis) {
      lines = 1;
    }
    for (auto [param, name] :
         {std::pair{scale, "the scale"}, std::pair{zeroPoint, "the zero point"}}) {
      if (!present(param))
        continue;
      std::string error = checkParam(param, name, lines);
      if (!error.empty())
        return rewriter.notifyMatchFailure(op, error);
    }

    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Type onnxX = onnxElement(op.getX());
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value line = perAxis && rank > 0 ? ivs[axis] : Value();
      Value element = krnl::LoadOp::create(b, loc, x, ivs);
      Value s = loadParam(b, loc, scale, line);
      Value point;
      if (hasZeroPoint)
        point = toFloat(b, loc, loadParam(b, loc, zeroPoint, line), onnxElement(onnxZeroPoint));
      Value value;
      if constexpr (quantize) {
        value = arith::DivFOp::create(b, loc, toFloat(b, loc, element, onnxX), s);
        value = saturate(b, loc, value, point, onnxResult);
      } else {
        value = toFloat(b, loc, element, onnxX);
        if (point)
          value = arith::SubFOp::create(b, loc, value, point);
        value = arith::MulFOp::create(b, loc, value, s);
      }
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

struct DynamicQuantizeLinearLowering : OpConversionPattern<onnx::DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = dyn_cast<MemRefType>(x.getType());
    MemRefType yType = convertedResult(getTypeConverter(), op.getY());
    MemRefType scaleType = convertedResult(getTypeConverter(), op.getYScale());
    MemRefType pointType = convertedResult(getTypeConverter(), op.getYZeroPoint());
    if (!xType || !yType || !scaleType || !pointType)
      return rewriter.notifyMatchFailure(op, "needs ranked operands and results");
    // The scale and zero point are scalars; accept any static one-element shape.
    for (MemRefType type : {scaleType, pointType})
      if (!type.hasStaticShape() || type.getNumElements() != 1)
        return rewriter.notifyMatchFailure(op, "y_scale and y_zero_point must be scalars");
    Type f32 = rewriter.getF32Type(), onnxY = onnxElement(op.getY());

    // min and max of x, both starting at 0 so that the range includes it.
    auto scalar = MemRefType::get({}, f32);
    Value minBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    Value maxBuf = memref::AllocaOp::create(rewriter, loc, scalar);
    Value zero = constantOf(rewriter, loc, f32, 0);
    krnl::StoreOp::create(rewriter, loc, zero, minBuf, ValueRange{});
    krnl::StoreOp::create(rewriter, loc, zero, maxBuf, ValueRange{});
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value element = krnl::LoadOp::create(b, loc, x, ivs);
      Value min = krnl::LoadOp::create(b, loc, minBuf, ValueRange{});
      Value max = krnl::LoadOp::create(b, loc, maxBuf, ValueRange{});
      krnl::StoreOp::create(b, loc, arith::MinimumFOp::create(b, loc, min, element), minBuf,
                            ValueRange{});
      krnl::StoreOp::create(b, loc, arith::MaximumFOp::create(b, loc, max, element), maxBuf,
                            ValueRange{});
    });

    // scale = (max - min) / (qmax - qmin); zero_point = saturate(round(qmin - min / scale)).
    Value min = krnl::LoadOp::create(rewriter, loc, minBuf, ValueRange{});
    Value max = krnl::LoadOp::create(rewriter, loc, maxBuf, ValueRange{});
    Value range = arith::SubFOp::create(rewriter, loc, max, min);
    Value scale = arith::DivFOp::create(rewriter, loc, range, constantOf(rewriter, loc, f32, 255));
    Value shifted = arith::SubFOp::create(rewriter, loc, zero, min);
    Value point =
        saturate(rewriter, loc, arith::DivFOp::create(rewriter, loc, shifted, scale), {}, onnxY);
    auto store = [&](Value value, MemRefType type) {
      Value buffer = allocBuffer(rewriter, loc, type, {});
      SmallVector<Value> at(type.getRank(), indexConstant(rewriter, loc, 0));
      krnl::StoreOp::create(rewriter, loc, value, buffer, at);
      return buffer;
    };
    Value scaleResult = store(scale, scaleType);
    Value pointResult = store(point, pointType);

    Value y = allocBuffer(rewriter, loc, yType, dims);
    Value pointFloat = toFloat(rewriter, loc, point, onnxY);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value element = krnl::LoadOp::create(b, loc, x, ivs);
      Value value = saturate(b, loc, arith::DivFOp::create(b, loc, element, scale), pointFloat,
                             onnxY);
      krnl::StoreOp::create(b, loc, value, y, ivs);
    });
    rewriter.replaceOp(op, {y, scaleResult, pointResult});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// QLinearMatMul
//===----------------------------------------------------------------------===//

// An 8-bit element as i32 minus its zero point (for slice `line`; an absent one is 0).
Value centered(OpBuilder &b, Location loc, Value element, Type onnxType, Value zeroPoint,
               Value line) {
  Value value = widen(b, loc, element, onnxType);
  if (!present(zeroPoint))
    return value;
  Value point = widen(b, loc, loadParam(b, loc, zeroPoint, line), onnxType);
  return arith::SubIOp::create(b, loc, value, point);
}

// The 8-bit result of an int32 sum whose real value is sum * inScale:
// saturate(round(sum * inScale / yScale) + yZeroPoint).
Value requantize(OpBuilder &b, Location loc, Value sum, Value inScale, Value yScale,
                 Value yZeroPoint, Type onnxType) {
  Value multiplier = arith::DivFOp::create(b, loc, inScale, yScale);
  Value real = arith::MulFOp::create(b, loc, toFloat(b, loc, sum, b.getI32Type()), multiplier);
  return saturate(b, loc, real, toFloat(b, loc, yZeroPoint, onnxType), onnxType);
}

struct QLinearMatMulLowering : OpConversionPattern<onnx::QLinearMatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::QLinearMatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<MemRefType>(a.getType());
    auto bType = dyn_cast<MemRefType>(b.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getY());
    SmallVector<Value> params = {adaptor.getAScale(), adaptor.getAZeroPoint(),
                                 adaptor.getBScale(), adaptor.getBZeroPoint(),
                                 adaptor.getYScale(), adaptor.getYZeroPoint()};
    if (!aType || !bType || !resultType ||
        llvm::any_of(params, [](Value p) { return !present(p); }))
      return rewriter.notifyMatchFailure(op, "needs ranked operands and result");
    FailureOr<matmul::Shape> shape = matmul::shapeOf(rewriter, loc, a, b, resultType);
    if (failed(shape))
      return rewriter.notifyMatchFailure(op, "the result's rank does not match A's and B's");
    // A's scale and zero point are one per tensor or per row, B's per tensor or per column,
    // the result's per tensor.
    int64_t rows = aType.getRank() >= 2 ? aType.getDimSize(aType.getRank() - 2) : 1;
    int64_t cols = bType.getRank() >= 2 ? bType.getDimSize(bType.getRank() - 1) : 1;
    const std::pair<StringRef, int64_t> checks[] = {{"a_scale", rows}, {"a_zero_point", rows},
                                                    {"b_scale", cols}, {"b_zero_point", cols},
                                                    {"y_scale", 1},    {"y_zero_point", 1}};
    for (auto [param, check] : llvm::zip(params, checks)) {
      std::string error = checkParam(param, check.first, check.second);
      if (!error.empty())
        return rewriter.notifyMatchFailure(op, error);
    }
    Type onnxA = onnxElement(op.getA()), onnxB = onnxElement(op.getB());
    Type onnxY = onnxElement(op.getY());
    if (!isQuantized(onnxA) || !isQuantized(onnxB) || !isQuantized(onnxY))
      return rewriter.notifyMatchFailure(op, "A, B and Y must be int8 or uint8");

    Value result = allocBuffer(rewriter, loc, resultType, shape->dims);
    matmul::NestHooks hooks;
    hooks.accType = rewriter.getI32Type();
    auto aFactor = [&](OpBuilder &b, Location loc, Value element, Value row) {
      return centered(b, loc, element, onnxA, adaptor.getAZeroPoint(), row);
    };
    auto bFactor = [&](OpBuilder &b, Location loc, Value element, Value col) {
      return centered(b, loc, element, onnxB, adaptor.getBZeroPoint(), col);
    };
    auto finish = [&](OpBuilder &b, Location loc, Value sum, Value row, Value col) {
      Value aScale = loadParam(b, loc, adaptor.getAScale(), row);
      Value bScale = loadParam(b, loc, adaptor.getBScale(), col);
      Value yScale = loadParam(b, loc, adaptor.getYScale(), {});
      Value yZeroPoint = loadParam(b, loc, adaptor.getYZeroPoint(), {});
      Value inScale = arith::MulFOp::create(b, loc, aScale, bScale);
      return requantize(b, loc, sum, inScale, yScale, yZeroPoint, onnxY);
    };
    hooks.aFactor = aFactor;
    hooks.bFactor = bFactor;
    hooks.finish = finish;
    matmul::emitNest(rewriter, loc, a, b, result, *shape, hooks);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ConvInteger and QLinearConv
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct IntegerConvLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool qlinear = std::is_same_v<OpTy, onnx::QLinearConvOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), w = adaptor.getW();
    Value xZeroPoint = adaptor.getXZeroPoint(), wZeroPoint = adaptor.getWZeroPoint();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto wType = dyn_cast<MemRefType>(w.getType());
    MemRefType resultType = convertedResult(this->getTypeConverter(), op.getY());
    if (!xType || !wType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked operands and result");
    int64_t rank = xType.getRank();
    if (rank < 3 || wType.getRank() != rank || resultType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "X, W and Y need the same rank, at least 3");
    Type onnxX = onnxElement(op.getX()), onnxW = onnxElement(op.getW());
    if (!isQuantized(onnxX) || !isQuantized(onnxW))
      return rewriter.notifyMatchFailure(op, "X and W must be int8 or uint8");
    int64_t group = op.getGroup();
    if (group < 1)
      return rewriter.notifyMatchFailure(op, "group must be positive");
    if (failed(conv::checkChannels(xType, wType, group, /*transposed=*/false)))
      return rewriter.notifyMatchFailure(op, "channels of X and W do not agree with group");
    // X's zero point is one per tensor; W's one per tensor or per output channel.
    int64_t channels = wType.getDimSize(0);
    SmallVector<std::tuple<Value, StringRef, int64_t>> params = {
        {xZeroPoint, "x_zero_point", 1}, {wZeroPoint, "w_zero_point", channels}};
    Value xScale, wScale, yScale, yZeroPoint, bias;
    Type onnxY;
    if constexpr (qlinear) {
      xScale = adaptor.getXScale();
      wScale = adaptor.getWScale();
      yScale = adaptor.getYScale();
      yZeroPoint = adaptor.getYZeroPoint();
      bias = adaptor.getB();
      onnxY = onnxElement(op.getY());
      if (!isQuantized(onnxY))
        return rewriter.notifyMatchFailure(op, "Y must be int8 or uint8");
      params.append({{xScale, "x_scale", 1},
                     {wScale, "w_scale", channels},
                     {yScale, "y_scale", 1},
                     {yZeroPoint, "y_zero_point", 1}});
      if (present(bias) && cast<MemRefType>(bias.getType()).getRank() != 1)
        return rewriter.notifyMatchFailure(op, "B must be a 1-D tensor");
    }
    for (auto [param, name, lines] : params) {
      if (!present(param)) {
        if (qlinear)
          return rewriter.notifyMatchFailure(op, ("needs " + name).str());
        continue;
      }
      std::string error = checkParam(param, name, lines);
      if (!error.empty())
        return rewriter.notifyMatchFailure(op, error);
    }
    conv::Geometry g;
    std::string error = conv::resolve(conv::attributesOf(op), false, xType, wType, g);
    if (!error.empty())
      return rewriter.notifyMatchFailure(op, error);

    SmallVector<Value> xDims = getDims(rewriter, loc, x), wDims = getDims(rewriter, loc, w);
    SmallVector<Value> dims = conv::resultDims(rewriter, loc, resultType, xDims, wDims, g, group,
                                               /*transposed=*/false);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Type i32 = rewriter.getI32Type();
    conv::NestHooks hooks;
    hooks.accType = i32;
    auto init = [&](OpBuilder &b, Location loc, Value m) -> Value {
      if (present(bias))
        return krnl::LoadOp::create(b, loc, bias, ValueRange{m});
      return constantOf(b, loc, i32, 0);
    };
    auto xFactor = [&](OpBuilder &b, Location loc, Value element) {
      return centered(b, loc, element, onnxX, xZeroPoint, {});
    };
    auto wFactor = [&](OpBuilder &b, Location loc, Value element, Value m) {
      return centered(b, loc, element, onnxW, wZeroPoint, m);
    };
    auto finish = [&](OpBuilder &b, Location loc, Value sum, Value m) {
      Value xs = loadParam(b, loc, xScale, {});
      Value ws = loadParam(b, loc, wScale, m);
      Value ys = loadParam(b, loc, yScale, {});
      Value yz = loadParam(b, loc, yZeroPoint, {});
      Value inScale = arith::MulFOp::create(b, loc, xs, ws);
      return requantize(b, loc, sum, inScale, ys, yz, onnxY);
    };
    hooks.init = init;
    hooks.xFactor = xFactor;
    hooks.wFactor = wFactor;
    if (qlinear)
      hooks.finish = finish;
    conv::emitNest(rewriter, loc, x, w, result, xType, resultType, xDims, wDims, dims, g, group,
                   /*transposed=*/false, hooks);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateQuantizationPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LinearLowering<onnx::QuantizeLinearOp>, LinearLowering<onnx::DequantizeLinearOp>,
               DynamicQuantizeLinearLowering, QLinearMatMulLowering,
               IntegerConvLowering<onnx::ConvIntegerOp>, IntegerConvLowering<onnx::QLinearConvOp>>(
      converter, patterns.getContext());
}

} // namespace omc
