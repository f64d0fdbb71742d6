//===- TensorCreation.cpp - Range, ConstantOfShape, EyeLike, Shape, Size, ... ===//
//
// Ops whose result is made from shapes and scalars rather than copied from an input:
// Range (its length computed when the model runs), ConstantOfShape and EyeLike
// (filled by a loop nest), Shape and Size of tensors with dynamic dims (the folders
// take the static ones). Also the two simple ops left in the family: Dropout (at
// inference the input passes through and the mask is all true) and Shrink. The random
// tensors (RandomUniform, Bernoulli, ...) are in Random.cpp.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/conversion/onnx_to_krnl/Random.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {
namespace {

bool isNone(Value value) { return isa<NoneType>(value.getType()); }

// The only element of a scalar (or one-element) buffer.
Value loadScalar(OpBuilder &b, Location loc, Value buffer) {
  int64_t rank = cast<MemRefType>(buffer.getType()).getRank();
  SmallVector<Value> zeros(rank, indexConstant(b, loc, 0));
  return krnl::LoadOp::create(b, loc, buffer, zeros);
}

// Stores `value` everywhere in a new buffer of `type` and `dims`.
Value filled(OpBuilder &b, Location loc, MemRefType type, ValueRange dims, Value value) {
  Value result = allocBuffer(b, loc, type, dims);
  buildLoopNest(b, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    krnl::StoreOp::create(b, loc, value, result, ivs);
  });
  return result;
}

//===----------------------------------------------------------------------===//
// Range
//===----------------------------------------------------------------------===//

// output[i] = start + i * delta for i < max(0, ceil((limit - start) / delta)).
struct RangeLowering : OpConversionPattern<onnx::RangeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::RangeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!resultType || resultType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs a 1-d ranked result");
    Type type = resultType.getElementType();
    bool isFloat = isa<FloatType>(type);
    if (!isFloat && !isa<IntegerType>(type))
      return rewriter.notifyMatchFailure(op, "element type not supported");
    Value start = loadScalar(rewriter, loc, adaptor.getStart());
    Value limit = loadScalar(rewriter, loc, adaptor.getLimit());
    Value delta = loadScalar(rewriter, loc, adaptor.getDelta());
    Type i64 = rewriter.getI64Type();

    Value count; // i64
    if (isFloat) {
      // ceil without libm: truncate, then add one where that went down.
      Value quotient = arith::DivFOp::create(
          rewriter, loc, arith::SubFOp::create(rewriter, loc, limit, start), delta);
      Value truncated = arith::FPToSIOp::create(rewriter, loc, i64, quotient);
      Value back = arith::SIToFPOp::create(rewriter, loc, type, truncated);
      Value below = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, back,
                                          quotient);
      Value up = arith::AddIOp::create(rewriter, loc, truncated, constantOf(rewriter, loc, i64, 1));
      count = arith::SelectOp::create(rewriter, loc, below, up, truncated);
    } else {
      // (limit - start + delta -/+ 1) / delta rounds the quotient away from zero.
      Value zero = constantOf(rewriter, loc, type, 0), one = constantOf(rewriter, loc, type, 1);
      Value positive = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, delta, zero);
      Value adjust = arith::SelectOp::create(rewriter, loc, positive,
                                             arith::SubIOp::create(rewriter, loc, delta, one),
                                             arith::AddIOp::create(rewriter, loc, delta, one));
      Value span = arith::SubIOp::create(rewriter, loc, limit, start);
      span = arith::AddIOp::create(rewriter, loc, span, adjust);
      count = arith::DivSIOp::create(rewriter, loc, span, delta);
      if (type != i64)
        count = arith::ExtSIOp::create(rewriter, loc, i64, count);
    }
    count = arith::MaxSIOp::create(rewriter, loc, count, constantOf(rewriter, loc, i64, 0));
    Value size = resultType.isDynamicDim(0)
                     ? Value(arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), count))
                     : indexConstant(rewriter, loc, resultType.getDimSize(0));
    Value result = allocBuffer(rewriter, loc, resultType, size);
    buildLoopNest(rewriter, loc, size, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value i = arith::IndexCastOp::create(b, loc, isFloat ? i64 : type, ivs[0]);
      if (isFloat)
        i = arith::SIToFPOp::create(b, loc, type, i);
      Value step = isFloat ? Value(arith::MulFOp::create(b, loc, i, delta))
                           : Value(arith::MulIOp::create(b, loc, i, delta));
      Value value = isFloat ? Value(arith::AddFOp::create(b, loc, start, step))
                            : Value(arith::AddIOp::create(b, loc, start, step));
      krnl::StoreOp::create(b, loc, value, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ConstantOfShape and EyeLike
//===----------------------------------------------------------------------===//

struct ConstantOfShapeLowering : OpConversionPattern<onnx::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ConstantOfShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    Type type = resultType.getElementType();
    // The value attribute (one element; 0.0f when absent), in the buffer's element type.
    TypedAttr value = rewriter.getZeroAttr(type);
    if (auto attr = op.getValue()) {
      auto elements = dyn_cast<DenseElementsAttr>(*attr);
      if (!elements || elements.getNumElements() != 1)
        return rewriter.notifyMatchFailure(op, "value must hold one element");
      Attribute element = *elements.getValues<Attribute>().begin();
      if (auto i = dyn_cast<IntegerAttr>(element); i && isa<IntegerType>(type))
        value = IntegerAttr::get(type, i.getValue());
      else if (auto f = dyn_cast<FloatAttr>(element); f && f.getType() == type)
        value = f;
      else
        return rewriter.notifyMatchFailure(op, "value's type differs from the result's");
    }
    // Dims known only when the model runs come from the shape input.
    SmallVector<Value> dims;
    for (int64_t d = 0; d < resultType.getRank(); ++d) {
      if (!resultType.isDynamicDim(d)) {
        dims.push_back(indexConstant(rewriter, loc, resultType.getDimSize(d)));
        continue;
      }
      Value raw = krnl::LoadOp::create(rewriter, loc, adaptor.getInput(),
                                       ValueRange{indexConstant(rewriter, loc, d)});
      dims.push_back(arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), raw));
    }
    Value fill = arith::ConstantOp::create(rewriter, loc, value);
    rewriter.replaceOp(op, filled(rewriter, loc, resultType, dims, fill));
    return success();
  }
};

// Ones where column - row == k, zeros elsewhere.
struct EyeLikeLowering : OpConversionPattern<onnx::EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::EyeLikeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<MemRefType>(input.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getOutput());
    if (!inputType || !resultType || inputType.getRank() != 2 || resultType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs a 2-d input");
    Type type = resultType.getElementType();
    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    Value k = indexConstant(rewriter, loc, op.getK());
    Value one = constantOf(rewriter, loc, type, 1), zero = constantOf(rewriter, loc, type, 0);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value offset = arith::SubIOp::create(b, loc, ivs[1], ivs[0]);
      Value onDiagonal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, offset, k);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, onDiagonal, one, zero),
                            result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Shape and Size
//===----------------------------------------------------------------------===//

struct ShapeLowering : OpConversionPattern<onnx::ShapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ShapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    MemRefType resultType = convertedResult(getTypeConverter(), op.getShape());
    if (!dataType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    // start and end count from the end when negative and are clamped into [0, rank].
    int64_t rank = dataType.getRank();
    auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    int64_t start = clamp(op.getStart()), end = op.getEnd() ? clamp(*op.getEnd()) : rank;
    int64_t count = std::max<int64_t>(0, end - start);
    SmallVector<Value> dims = getDims(rewriter, loc, data);
    Value result = allocBuffer(rewriter, loc, resultType, indexConstant(rewriter, loc, count));
    for (int64_t d = start; d < end; ++d) {
      Value dim = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), dims[d]);
      krnl::StoreOp::create(rewriter, loc, dim, result,
                            ValueRange{indexConstant(rewriter, loc, d - start)});
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<onnx::SizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::SizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    MemRefType resultType = convertedResult(getTypeConverter(), op.getSize());
    if (!isa<MemRefType>(data.getType()) || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    Value size = indexConstant(rewriter, loc, 1);
    for (Value dim : getDims(rewriter, loc, data))
      size = arith::MulIOp::create(rewriter, loc, size, dim);
    Value result = allocBuffer(rewriter, loc, resultType, ValueRange{});
    size = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(), size);
    SmallVector<Value> zeros(resultType.getRank(), indexConstant(rewriter, loc, 0));
    krnl::StoreOp::create(rewriter, loc, size, result, zeros);
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Dropout and Shrink
//===----------------------------------------------------------------------===//

// At inference (training_mode absent or a constant false) the output is the input and
// the mask all true. In training (decided when the model runs) an element is kept
// where a hash of its position and the seed, read as u in [0, 1), is >= ratio, and
// scaled by 1 / (1 - ratio): a ratio of 0 keeps the input exactly. With a seed the mask
// is the same on every run (not that of any other runtime); without, new on every run.
struct DropoutLowering : OpConversionPattern<onnx::DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::DropoutOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    if (!dataType || !isa<FloatType>(dataType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float input");
    MemRefType maskType;
    if (!isNone(op.getMask()) && !(maskType = convertedResult(getTypeConverter(), op.getMask())))
      return rewriter.notifyMatchFailure(op, "needs a ranked mask");
    SmallVector<Value> dims = getDims(rewriter, loc, data);

    Attribute attr;
    bool inference = isNone(op.getTrainingMode());
    if (!inference && matchPattern(op.getTrainingMode(), m_Constant(&attr)))
      if (auto flags = onnx::folding::getInts(attr))
        inference = llvm::all_of(*flags, [](int64_t flag) { return flag == 0; });
    if (inference) {
      Value mask = maskType ? filled(rewriter, loc, maskType, dims,
                                     constantOf(rewriter, loc, maskType.getElementType(), 1))
                            : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType()));
      rewriter.replaceOp(op, {data, mask});
      return success();
    }

    // The ratio that applies: the input's (0.5 when absent) in training, else 0.
    Type f32 = rewriter.getF32Type(), element = dataType.getElementType();
    Value ratio = isNone(adaptor.getRatio())
                      ? constantOf(rewriter, loc, f32, 0.5)
                      : castFloat(rewriter, loc, loadScalar(rewriter, loc, adaptor.getRatio()), f32);
    Value training = loadScalar(rewriter, loc, adaptor.getTrainingMode());
    ratio = arith::SelectOp::create(rewriter, loc, training, ratio, constantOf(rewriter, loc, f32, 0));
    Value one = constantOf(rewriter, loc, f32, 1);
    Value scale = arith::DivFOp::create(rewriter, loc, one,
                                        arith::SubFOp::create(rewriter, loc, one, ratio));
    scale = castFloat(rewriter, loc, scale, element);
    std::optional<uint64_t> seed;
    if (auto attr = op.getSeed())
      seed = static_cast<uint64_t>(*attr);
    Value salt = randomSalt(rewriter, op, seed);

    Value result = allocBuffer(rewriter, loc, dataType, dims);
    Value mask = maskType ? allocBuffer(rewriter, loc, maskType, dims) : Value();
    Value zero = constantOf(rewriter, loc, element, 0);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value key = randomKey(b, loc, salt, linearIndex(b, loc, ivs, dims));
      Value keep = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE,
                                         uniformOf(b, loc, key), ratio);
      Value x = krnl::LoadOp::create(b, loc, data, ivs);
      Value y = arith::SelectOp::create(b, loc, keep, arith::MulFOp::create(b, loc, x, scale), zero);
      krnl::StoreOp::create(b, loc, y, result, ivs);
      if (mask)
        krnl::StoreOp::create(b, loc, keep, mask, ivs);
    });
    if (!mask)
      mask = onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType());
    rewriter.replaceOp(op, {result, mask});
    return success();
  }
};

// y = x + bias where x < -lambd, x - bias where x > lambd, 0 elsewhere. Integers are
// compared and shifted as f64, then converted back.
struct ShrinkLowering : OpConversionPattern<onnx::ShrinkOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::ShrinkOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = dyn_cast<MemRefType>(input.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    Type element = type.getElementType();
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned = cast<ShapedType>(op.getInput().getType()).getElementType().isUnsignedInteger();
    Type compute = isFloat ? element : rewriter.getF64Type();
    double lambd = op.getLambd().convertToDouble(), bias = op.getBias().convertToDouble();
    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value result = allocBuffer(rewriter, loc, type, dims);
    Value low = constantOf(rewriter, loc, compute, -lambd);
    Value high = constantOf(rewriter, loc, compute, lambd);
    Value shift = constantOf(rewriter, loc, compute, bias);
    Value zero = constantOf(rewriter, loc, compute, 0);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value x = krnl::LoadOp::create(b, loc, input, ivs);
      if (!isFloat)
        x = isUnsigned ? Value(arith::UIToFPOp::create(b, loc, compute, x))
                       : Value(arith::SIToFPOp::create(b, loc, compute, x));
      Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, low);
      Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, high);
      Value y = arith::SelectOp::create(b, loc, above, arith::SubFOp::create(b, loc, x, shift),
                                        zero);
      y = arith::SelectOp::create(b, loc, below, arith::AddFOp::create(b, loc, x, shift), y);
      if (!isFloat)
        y = isUnsigned ? Value(arith::FPToUIOp::create(b, loc, element, y))
                       : Value(arith::FPToSIOp::create(b, loc, element, y));
      krnl::StoreOp::create(b, loc, y, result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateTensorCreationPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<RangeLowering, ConstantOfShapeLowering, EyeLikeLowering, ShapeLowering,
               SizeLowering, DropoutLowering, ShrinkLowering>(converter, patterns.getContext());
  populateRandomPatterns(converter, patterns);
}

} // namespace omc
