//===- Normalization.cpp - BatchNormalization, InstanceNormalization, ----------===//
//                         LpNormalization, MeanVarianceNormalization, LRN -> krnl
//
// The first four normalize groups of elements: one nest runs over the dims that are
// kept (BatchNormalization: C; InstanceNormalization: N, C; MeanVariance-
// Normalization: those not in axes; LpNormalization: all but axis), and inside it
// nests over the group's elements compute its statistics (two passes, mean then
// variance, for accuracy) in a rank-0 scratch buffer, then write the group's result.
// Narrow floats compute in f32. LRN sums squares over a window of channels around
// each element, skipping the channels outside the tensor with a clamped load and a
// select.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <tuple>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

// Loads `buffer[index]` in the compute type.
Value loadAs(OpBuilder &b, Location loc, Value buffer, ValueRange index, Type type) {
  return castFloat(b, loc, krnl::LoadOp::create(b, loc, buffer, index), type);
}

using IndexFn = function_ref<SmallVector<Value>(ValueRange inner)>;

// One group of elements: the bounds of its dims and how its ivs make a full index.
struct Group {
  ArrayRef<Value> bounds;
  IndexFn full;
  Value acc; // rank-0 scratch buffer of the compute type
  Type type;

  // Calls `fn` with the full index of every element of the group.
  void forEach(OpBuilder &b, Location loc,
               function_ref<void(OpBuilder &, Location, ArrayRef<Value>)> fn) const {
    buildLoopNest(b, loc, bounds, [&](OpBuilder &b, Location loc, ValueRange i) {
      fn(b, loc, full(i));
    });
  }

  // The sum of `term` over the group.
  Value sum(OpBuilder &b, Location loc,
            function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> term) const {
    krnl::StoreOp::create(b, loc, constantOf(b, loc, type, 0), acc, ValueRange{});
    forEach(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
      // In any order: LLVM vectorizes the sum.
      Value total = arith::AddFOp::create(b, loc, krnl::LoadOp::create(b, loc, acc, ValueRange{}),
                                          term(b, loc, index), arith::FastMathFlags::reassoc);
      krnl::StoreOp::create(b, loc, total, acc, ValueRange{});
    });
    return krnl::LoadOp::create(b, loc, acc, ValueRange{});
  }

  // The count of elements, as a float.
  Value count(OpBuilder &b, Location loc) const {
    Value n = arith::ConstantIndexOp::create(b, loc, 1);
    for (Value bound : bounds)
      n = arith::MulIOp::create(b, loc, n, bound);
    return arith::SIToFPOp::create(b, loc, type,
                                   arith::IndexCastOp::create(b, loc, b.getI64Type(), n));
  }

  // Mean and population variance of `x` over the group.
  std::pair<Value, Value> meanAndVariance(OpBuilder &b, Location loc, Value x) const {
    Value n = count(b, loc);
    Value s = sum(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
      return loadAs(b, loc, x, index, type);
    });
    Value mean = arith::DivFOp::create(b, loc, s, n);
    Value squares = sum(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
      Value d = arith::SubFOp::create(b, loc, loadAs(b, loc, x, index, type), mean);
      return arith::MulFOp::create(b, loc, d, d).getResult();
    });
    return {mean, arith::DivFOp::create(b, loc, squares, n)};
  }
};

// Runs `body` once per position of the dims of `x` not marked in `reduced` (its ivs,
// in order), with the group of the marked dims at that position.
void forEachGroup(OpBuilder &rb, Location loc, Value x, ArrayRef<bool> reduced,
                  function_ref<void(OpBuilder &, Location, ValueRange, const Group &)> body) {
  SmallVector<Value> dims = getDims(rb, loc, x), outer, inner;
  for (size_t d = 0; d < dims.size(); ++d)
    (reduced[d] ? inner : outer).push_back(dims[d]);
  Type type = floatComputeType(cast<MemRefType>(x.getType()).getElementType());
  Value acc = memref::AllocaOp::create(rb, loc, MemRefType::get({}, type));
  buildLoopNest(rb, loc, outer, [&](OpBuilder &b, Location loc, ValueRange o) {
    auto full = [&](ValueRange i) {
      SmallVector<Value> index;
      size_t a = 0, c = 0;
      for (bool r : reduced)
        index.push_back(r ? i[c++] : o[a++]);
      return index;
    };
    body(b, loc, o, Group{inner, full, acc, type});
  });
}

Value invSqrt(OpBuilder &b, Location loc, Value variance, Value epsilon) {
  Value root = math::SqrtOp::create(b, loc, arith::AddFOp::create(b, loc, variance, epsilon));
  return arith::DivFOp::create(b, loc, constantOf(b, loc, variance.getType(), 1), root);
}

bool isRankedFloat(Value memref, int64_t minRank) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && type.getRank() >= minRank && isa<FloatType>(type.getElementType());
}

// y = scale[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + B[c]. In training mode the
// mean and variance are the batch's (over all dims but C), and the running statistics
// come out as input * momentum + batch * (1 - momentum).
struct BatchNormLowering : OpConversionPattern<onnx::BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::BatchNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    MemRefType yType = convertedResult(getTypeConverter(), op.getY());
    if (!isRankedFloat(x, 2) || !yType)
      return rewriter.notifyMatchFailure(op, "needs a ranked float input of rank >= 2");
    for (Value v : {adaptor.getScale(), adaptor.getB(), adaptor.getInputMean(),
                    adaptor.getInputVar()})
      if (!isRankedFloat(v, 1))
        return rewriter.notifyMatchFailure(op, "needs ranked float parameters");
    bool training = op.getTrainingMode() != 0;
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value y = allocBuffer(rewriter, loc, yType, dims);
    Value running[2];
    Value stats[2] = {op.getRunningMean(), op.getRunningVar()};
    for (int i = 0; i < 2; ++i) {
      if (isa<NoneType>(stats[i].getType()))
        continue;
      MemRefType type = convertedResult(getTypeConverter(), stats[i]);
      if (!type || type.getRank() != 1)
        return rewriter.notifyMatchFailure(op, "running statistics need 1-D types");
      running[i] = allocBuffer(rewriter, loc, type, {dims[1]});
    }

    SmallVector<bool> reduced(dims.size(), true);
    reduced[1] = false;
    Type element = yType.getElementType();
    forEachGroup(rewriter, loc, x, reduced,
                 [&](OpBuilder &b, Location loc, ValueRange c, const Group &g) {
      Type t = g.type;
      Value epsilon = constantOf(b, loc, t, op.getEpsilon().convertToDouble());
      Value inputMean = loadAs(b, loc, adaptor.getInputMean(), c, t);
      Value inputVar = loadAs(b, loc, adaptor.getInputVar(), c, t);
      Value mean = inputMean, variance = inputVar;
      if (training)
        std::tie(mean, variance) = g.meanAndVariance(b, loc, x);
      // Not training, the running statistics are the inputs (batch = input).
      Value momentum = constantOf(b, loc, t, op.getMomentum().convertToDouble());
      Value rest = constantOf(b, loc, t, 1 - op.getMomentum().convertToDouble());
      Value inputs[2] = {inputMean, inputVar}, batch[2] = {mean, variance};
      for (int i = 0; i < 2; ++i) {
        if (!running[i])
          continue;
        Value value = training ? arith::AddFOp::create(
                                     b, loc, arith::MulFOp::create(b, loc, inputs[i], momentum),
                                     arith::MulFOp::create(b, loc, batch[i], rest))
                                     .getResult()
                               : inputs[i];
        Type stored = cast<MemRefType>(running[i].getType()).getElementType();
        krnl::StoreOp::create(b, loc, castFloat(b, loc, value, stored), running[i], c);
      }
      Value factor = arith::MulFOp::create(b, loc, loadAs(b, loc, adaptor.getScale(), c, t),
                                           invSqrt(b, loc, variance, epsilon));
      Value bias = loadAs(b, loc, adaptor.getB(), c, t);
      g.forEach(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
        Value d = arith::SubFOp::create(b, loc, loadAs(b, loc, x, index, t), mean);
        Value v = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, d, factor), bias);
        krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), y, index);
      });
    });

    auto orNone = [&](Value v) {
      return v ? v : Value(onnx::NoValueOp::create(rewriter, loc, rewriter.getNoneType()));
    };
    rewriter.replaceOp(op, {y, orNone(running[0]), orNone(running[1])});
    return success();
  }
};

// y = scale[c] * (x - mean) / sqrt(variance + epsilon) + B[c], statistics per (n, c).
struct InstanceNormLowering : OpConversionPattern<onnx::InstanceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::InstanceNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), scale = adaptor.getScale(), bias = adaptor.getB();
    MemRefType yType = convertedResult(getTypeConverter(), op.getOutput());
    if (!isRankedFloat(x, 2) || !yType || !isRankedFloat(scale, 1) || !isRankedFloat(bias, 1))
      return rewriter.notifyMatchFailure(op, "needs ranked float types, input of rank >= 2");
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value y = allocBuffer(rewriter, loc, yType, dims);
    SmallVector<bool> reduced(dims.size(), true);
    reduced[0] = reduced[1] = false;
    Type element = yType.getElementType();
    forEachGroup(rewriter, loc, x, reduced,
                 [&](OpBuilder &b, Location loc, ValueRange nc, const Group &g) {
      Type t = g.type;
      Value mean, variance;
      std::tie(mean, variance) = g.meanAndVariance(b, loc, x);
      Value epsilon = constantOf(b, loc, t, op.getEpsilon().convertToDouble());
      Value factor = arith::MulFOp::create(b, loc, loadAs(b, loc, scale, nc[1], t),
                                           invSqrt(b, loc, variance, epsilon));
      Value shift = loadAs(b, loc, bias, nc[1], t);
      g.forEach(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
        Value d = arith::SubFOp::create(b, loc, loadAs(b, loc, x, index, t), mean);
        Value v = arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, d, factor), shift);
        krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), y, index);
      });
    });
    rewriter.replaceOp(op, y);
    return success();
  }
};

// y = (x - mean) / (sqrt(variance) + 1e-9) over `axes` (ONNX's function body).
struct MeanVarianceNormLowering : OpConversionPattern<onnx::MeanVarianceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::MeanVarianceNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    MemRefType yType = convertedResult(getTypeConverter(), op.getY());
    if (!isRankedFloat(x, 0) || !yType)
      return rewriter.notifyMatchFailure(op, "needs ranked float types");
    int64_t rank = yType.getRank();
    SmallVector<bool> reduced(rank, false);
    for (Attribute a : op.getAxes()) {
      int64_t axis = cast<IntegerAttr>(a).getInt();
      if (axis < -rank || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      reduced[axis < 0 ? axis + rank : axis] = true;
    }
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value y = allocBuffer(rewriter, loc, yType, dims);
    Type element = yType.getElementType();
    forEachGroup(rewriter, loc, x, reduced,
                 [&](OpBuilder &b, Location loc, ValueRange, const Group &g) {
      Type t = g.type;
      Value mean, variance;
      std::tie(mean, variance) = g.meanAndVariance(b, loc, x);
      Value deviation = math::SqrtOp::create(b, loc, variance);
      Value denominator = arith::AddFOp::create(b, loc, deviation, constantOf(b, loc, t, 1e-9));
      g.forEach(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
        Value d = arith::SubFOp::create(b, loc, loadAs(b, loc, x, index, t), mean);
        Value v = arith::DivFOp::create(b, loc, d, denominator);
        krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), y, index);
      });
    });
    rewriter.replaceOp(op, y);
    return success();
  }
};

// y = x / ||x||_p along `axis` (p = 1 or 2); a zero norm gives zeros, not NaN.
struct LpNormLowering : OpConversionPattern<onnx::LpNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::LpNormalizationOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    MemRefType yType = convertedResult(getTypeConverter(), op.getOutput());
    if (!isRankedFloat(x, 1) || !yType)
      return rewriter.notifyMatchFailure(op, "needs ranked float types of rank >= 1");
    int64_t p = op.getP();
    if (p != 1 && p != 2)
      return rewriter.notifyMatchFailure(op, "p must be 1 or 2");
    int64_t rank = yType.getRank(), axis = op.getAxis();
    if (axis < -rank || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<bool> reduced(rank, false);
    reduced[axis < 0 ? axis + rank : axis] = true;
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value y = allocBuffer(rewriter, loc, yType, dims);
    Type element = yType.getElementType();
    forEachGroup(rewriter, loc, x, reduced,
                 [&](OpBuilder &b, Location loc, ValueRange, const Group &g) {
      Type t = g.type;
      Value norm = g.sum(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
        Value v = loadAs(b, loc, x, index, t);
        return p == 1 ? Value(math::AbsFOp::create(b, loc, v))
                      : Value(arith::MulFOp::create(b, loc, v, v));
      });
      if (p == 2)
        norm = math::SqrtOp::create(b, loc, norm);
      Value zero = constantOf(b, loc, t, 0);
      Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, norm, zero);
      g.forEach(b, loc, [&](OpBuilder &b, Location loc, ArrayRef<Value> index) {
        Value v = arith::DivFOp::create(b, loc, loadAs(b, loc, x, index, t), norm);
        v = arith::SelectOp::create(b, loc, isZero, zero, v);
        krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), y, index);
      });
    });
    rewriter.replaceOp(op, y);
    return success();
  }
};

// y = x / (bias + alpha / size * sum of x^2 over channels
//          [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]) ^ beta
struct LRNLowering : OpConversionPattern<onnx::LRNOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::LRNOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    MemRefType yType = convertedResult(getTypeConverter(), op.getY());
    if (!isRankedFloat(x, 2) || !yType)
      return rewriter.notifyMatchFailure(op, "needs a ranked float input of rank >= 2");
    int64_t size = op.getSize();
    if (size < 1)
      return rewriter.notifyMatchFailure(op, "size must be positive");
    Type element = yType.getElementType(), t = floatComputeType(element);
    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value y = allocBuffer(rewriter, loc, yType, dims);
    Value acc = memref::AllocaOp::create(rewriter, loc, MemRefType::get({}, t));
    double alpha = op.getAlpha().convertToDouble(), beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();

    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value zero = constantOf(b, loc, t, 0);
      krnl::StoreOp::create(b, loc, zero, acc, ValueRange{});
      Value first = arith::SubIOp::create(b, loc, ivs[1],
                                          arith::ConstantIndexOp::create(b, loc, (size - 1) / 2));
      Value window = arith::ConstantIndexOp::create(b, loc, size);
      buildLoopNest(b, loc, {window}, [&](OpBuilder &b, Location loc, ValueRange k) {
        Value c = arith::AddIOp::create(b, loc, first, k[0]);
        Value lo = arith::ConstantIndexOp::create(b, loc, 0);
        Value hi = arith::SubIOp::create(b, loc, dims[1], arith::ConstantIndexOp::create(b, loc, 1));
        Value inside = arith::AndIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, c, lo),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, c, hi));
        SmallVector<Value> at(ivs);
        at[1] = arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, c, lo), hi);
        Value v = loadAs(b, loc, x, at, t);
        Value square = arith::SelectOp::create(b, loc, inside, arith::MulFOp::create(b, loc, v, v),
                                               constantOf(b, loc, t, 0));
        Value total = arith::AddFOp::create(b, loc, krnl::LoadOp::create(b, loc, acc, ValueRange{}),
                                            square);
        krnl::StoreOp::create(b, loc, total, acc, ValueRange{});
      });
      Value scaled = arith::MulFOp::create(b, loc, constantOf(b, loc, t, alpha / size),
                                           krnl::LoadOp::create(b, loc, acc, ValueRange{}));
      Value base = arith::AddFOp::create(b, loc, constantOf(b, loc, t, bias), scaled);
      Value denominator = math::PowFOp::create(b, loc, base, constantOf(b, loc, t, beta));
      Value v = arith::DivFOp::create(b, loc, loadAs(b, loc, x, ivs, t), denominator);
      krnl::StoreOp::create(b, loc, castFloat(b, loc, v, element), y, ivs);
    });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, InstanceNormLowering, MeanVarianceNormLowering, LpNormLowering,
               LRNLowering>(converter, patterns.getContext());
}

} // namespace omc
