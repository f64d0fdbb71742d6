//===- Reduction.cpp - the Reduce* ops -> krnl --------------------------------===//
//
// The result starts at the reduction's identity; one nest over the input folds each
// element into the result element it reduces to; a last nest finishes (the mean's
// division, L2's square root, the logarithms).
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>
#include <limits>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace omc {
namespace {

enum class Kind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

// The element folded into the accumulator (|x| for L1, x*x for L2, ...).
Value contribution(OpBuilder &b, Location loc, Kind kind, Value x) {
  switch (kind) {
  case Kind::L1: return math::AbsFOp::create(b, loc, x);
  case Kind::L2:
  case Kind::SumSquare: return arith::MulFOp::create(b, loc, x, x);
  case Kind::LogSumExp: return math::ExpOp::create(b, loc, x);
  default: return x;
  }
}

Value combine(OpBuilder &b, Location loc, Kind kind, Type onnxType, Value acc, Value x) {
  bool isFloat = isa<FloatType>(onnxType), isUnsigned = onnxType.isUnsignedInteger();
  switch (kind) {
  case Kind::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, acc, x);
    return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, acc, x))
                      : Value(arith::MaxSIOp::create(b, loc, acc, x));
  case Kind::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, acc, x);
    return isUnsigned ? Value(arith::MinUIOp::create(b, loc, acc, x))
                      : Value(arith::MinSIOp::create(b, loc, acc, x));
  // Float sums and products in any order, so that LLVM vectorizes them (as integer ones).
  case Kind::Prod:
    return isFloat ? Value(arith::MulFOp::create(b, loc, acc, x, arith::FastMathFlags::reassoc))
                   : Value(arith::MulIOp::create(b, loc, acc, x));
  default:
    return isFloat ? Value(arith::AddFOp::create(b, loc, acc, x, arith::FastMathFlags::reassoc))
                   : Value(arith::AddIOp::create(b, loc, acc, x));
  }
}

Value identity(OpBuilder &b, Location loc, Kind kind, Type onnxType, Type storage) {
  bool isFloat = isa<FloatType>(onnxType);
  if (kind == Kind::Prod)
    return constantOf(b, loc, storage, 1);
  if (kind != Kind::Max && kind != Kind::Min)
    return constantOf(b, loc, storage, 0);
  bool max = kind == Kind::Max;
  if (isFloat)
    return constantOf(b, loc, storage, max ? -INFINITY : INFINITY);
  unsigned width = onnxType.getIntOrFloatBitWidth();
  APInt value = onnxType.isUnsignedInteger()
                    ? (max ? APInt::getMinValue(width) : APInt::getMaxValue(width))
                    : (max ? APInt::getSignedMinValue(width) : APInt::getSignedMaxValue(width));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(storage, value));
}

template <typename OpTy, Kind kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getReduced().getType()));
    Type onnxType = cast<ShapedType>(op.getData().getType()).getElementType();
    if (!dataType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked types");
    bool floatOnly = kind == Kind::Mean || kind == Kind::L1 || kind == Kind::L2 ||
                     kind == Kind::LogSum || kind == Kind::LogSumExp || kind == Kind::SumSquare;
    if (!isa<FloatType>(onnxType) && (floatOnly || !isa<IntegerType>(onnxType)))
      return rewriter.notifyMatchFailure(op, "element type not supported");

    auto axes = reducedAxes(op);
    if (!axes) {
      if constexpr (std::is_same_v<OpTy, onnx::ReduceSumOp>)
        return lowerRuntimeAxes(op, adaptor, rewriter, dataType, resultType, onnxType);
      return rewriter.notifyMatchFailure(op, "axes are not constant");
    }
    int64_t rank = dataType.getRank();
    SmallVector<bool> reduced(rank, false);
    bool noop = false;
    if constexpr (std::is_same_v<OpTy, onnx::ReduceSumOp>)
      noop = axes->empty() && op.getNoopWithEmptyAxes() != 0;
    for (int64_t d = 0; d < rank; ++d)
      reduced[d] = axes->empty() && !noop;
    for (int64_t axis : *axes) {
      auto normalized = onnx::folding::normalizeAxis(axis, rank);
      if (!normalized)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      reduced[*normalized] = true;
    }
    bool keepDims = op.getKeepdims() != 0;

    SmallVector<Value> dataDims = getDims(rewriter, loc, data), dims;
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = one; // elements per result element, for the mean
    for (int64_t d = 0; d < rank; ++d) {
      if (!reduced[d])
        dims.push_back(dataDims[d]);
      else {
        count = arith::MulIOp::create(rewriter, loc, count, dataDims[d]);
        if (keepDims)
          dims.push_back(one);
      }
    }
    Type storage = resultType.getElementType();
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, identity(b, loc, kind, onnxType, storage), result, ivs);
    });
    buildLoopNest(rewriter, loc, dataDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> to;
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      for (int64_t d = 0; d < rank; ++d) {
        if (!reduced[d])
          to.push_back(ivs[d]);
        else if (keepDims)
          to.push_back(zero);
      }
      Value x = contribution(b, loc, kind, krnl::LoadOp::create(b, loc, data, ivs));
      Value acc = krnl::LoadOp::create(b, loc, result, to);
      krnl::StoreOp::create(b, loc, combine(b, loc, kind, onnxType, acc, x), result, to);
    });
    if (kind == Kind::Mean || kind == Kind::L2 || kind == Kind::LogSum ||
        kind == Kind::LogSumExp) {
      buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value acc = krnl::LoadOp::create(b, loc, result, ivs);
        Value value;
        if (kind == Kind::Mean) {
          Value n = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
          value = arith::DivFOp::create(b, loc, acc, arith::SIToFPOp::create(b, loc, storage, n));
        } else if (kind == Kind::L2) {
          value = math::SqrtOp::create(b, loc, acc);
        } else {
          value = math::LogOp::create(b, loc, acc);
        }
        krnl::StoreOp::create(b, loc, value, result, ivs);
      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  // ReduceSum's axes tensor holds values known only when the model runs: whether dim d
  // is reduced becomes a flag computed from them, and each input element goes to the
  // result element at select(flag, 0, index). The sum lands in a buffer that keeps every
  // dim (reduced ones as 1); without keepdims the result is that buffer seen with the
  // result's (static) shape, which has the same elements in the same order.
  LogicalResult lowerRuntimeAxes(OpTy op, typename OpTy::Adaptor adaptor,
                                 ConversionPatternRewriter &rewriter, MemRefType dataType,
                                 MemRefType resultType, Type onnxType) const {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto axesType = dyn_cast<MemRefType>(adaptor.getAxes().getType());
    if (!axesType || axesType.getRank() != 1 || axesType.isDynamicDim(0))
      return rewriter.notifyMatchFailure(op, "runtime axes need a 1-D tensor of static length");
    bool keepDims = op.getKeepdims() != 0;
    if (!keepDims && !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(
          op, "runtime axes without keepdims need a static result shape");
    int64_t rank = dataType.getRank();

    Value rankValue = arith::ConstantIntOp::create(rewriter, loc, rank, 64);
    Value zero64 = arith::ConstantIntOp::create(rewriter, loc, 0, 64);
    SmallVector<Value> flags(rank, arith::ConstantIntOp::create(rewriter, loc, 0, 1));
    for (int64_t k = 0; k < axesType.getDimSize(0); ++k) {
      Value at = arith::ConstantIndexOp::create(rewriter, loc, k);
      Value axis = krnl::LoadOp::create(rewriter, loc, adaptor.getAxes(), ValueRange{at});
      Value negative =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, axis, zero64);
      axis = arith::SelectOp::create(rewriter, loc, negative,
                                     arith::AddIOp::create(rewriter, loc, axis, rankValue),
                                     axis);
      for (int64_t d = 0; d < rank; ++d) {
        Value isD = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, axis,
                                          arith::ConstantIntOp::create(rewriter, loc, d, 64));
        flags[d] = arith::OrIOp::create(rewriter, loc, flags[d], isD);
      }
    }

    SmallVector<Value> dataDims = getDims(rewriter, loc, data), keptDims;
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < rank; ++d)
      keptDims.push_back(arith::SelectOp::create(rewriter, loc, flags[d], one, dataDims[d]));
    Type storage = resultType.getElementType();
    MemRefType keptType =
        keepDims ? resultType
                 : MemRefType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic), storage);
    Value sums = allocBuffer(rewriter, loc, keptType, keptDims);
    buildLoopNest(rewriter, loc, keptDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      krnl::StoreOp::create(b, loc, identity(b, loc, kind, onnxType, storage), sums, ivs);
    });
    buildLoopNest(rewriter, loc, dataDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      SmallVector<Value> to;
      for (int64_t d = 0; d < rank; ++d)
        to.push_back(arith::SelectOp::create(b, loc, flags[d], zero, ivs[d]));
      Value x = contribution(b, loc, kind, krnl::LoadOp::create(b, loc, data, ivs));
      Value acc = krnl::LoadOp::create(b, loc, sums, to);
      krnl::StoreOp::create(b, loc, combine(b, loc, kind, onnxType, acc, x), sums, to);
    });
    if (keepDims) {
      rewriter.replaceOp(op, sums);
      return success();
    }
    SmallVector<int64_t> strides(resultType.getRank(), 1);
    for (int64_t d = resultType.getRank() - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * resultType.getDimSize(d + 1);
    Value view = memref::ReinterpretCastOp::create(rewriter, loc, resultType, sums, 0,
                                                   resultType.getShape(), strides);
    rewriter.replaceOp(op, view);
    return success();
  }

  std::optional<SmallVector<int64_t>> reducedAxes(OpTy op) const {
    SmallVector<int64_t> axes;
    if constexpr (std::is_same_v<OpTy, onnx::ReduceSumOp>) {
      if (isa<NoneType>(op.getAxes().getType()))
        return axes;
      // An axes tensor of length 0 is empty whatever its values.
      if (auto type = dyn_cast<ShapedType>(op.getAxes().getType());
          type && type.hasStaticShape() && type.getNumElements() == 0)
        return axes;
      Attribute attr;
      if (!matchPattern(op.getAxes(), m_Constant(&attr)))
        return std::nullopt;
      return onnx::folding::getInts(attr);
    } else {
      if (auto attr = op.getAxes())
        for (Attribute a : *attr)
          axes.push_back(cast<IntegerAttr>(a).getInt());
      return axes;
    }
  }
};

} // namespace

void populateReductionPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<onnx::ReduceSumOp, Kind::Sum>,
               ReduceLowering<onnx::ReduceMeanOp, Kind::Mean>,
               ReduceLowering<onnx::ReduceMaxOp, Kind::Max>,
               ReduceLowering<onnx::ReduceMinOp, Kind::Min>,
               ReduceLowering<onnx::ReduceProdOp, Kind::Prod>,
               ReduceLowering<onnx::ReduceL1Op, Kind::L1>,
               ReduceLowering<onnx::ReduceL2Op, Kind::L2>,
               ReduceLowering<onnx::ReduceLogSumOp, Kind::LogSum>,
               ReduceLowering<onnx::ReduceLogSumExpOp, Kind::LogSumExp>,
               ReduceLowering<onnx::ReduceSumSquareOp, Kind::SumSquare>>(converter,
                                                                         patterns.getContext());
}

} // namespace omc
