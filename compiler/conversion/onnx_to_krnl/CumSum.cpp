//===- CumSum.cpp - CumSum -> krnl --------------------------------------------===//
//
// One pass over the elements in row-major order (reversed in every dim for
// reverse = 1), so the element before each one along the axis has its sum already:
//   y[i] = y[i - e] + x[i]            (inclusive)
//   y[i] = y[i - e] + x[i - e]        (exclusive)
// with e one step along the axis, backwards for reverse, and 0 for the first
// element. The axis may be a run-time input: the axis position and size are picked
// by comparing each dim with it, which folds away when the axis is a constant.
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

struct CumSumLowering : OpConversionPattern<onnx::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::CumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), axisIn = adaptor.getAxis();
    auto xType = dyn_cast<MemRefType>(x.getType());
    auto axisType = dyn_cast<MemRefType>(axisIn.getType());
    Type element = xType ? xType.getElementType() : Type();
    if (!xType || !axisType || xType.getRank() < 1 ||
        !(isa<FloatType>(element) || isa<IntegerType>(element)))
      return rewriter.notifyMatchFailure(op, "needs a ranked int or float input of rank >= 1");
    int64_t rank = xType.getRank();
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;

    Value rankValue = arith::ConstantIndexOp::create(rewriter, loc, rank);
    Value axis;
    Attribute attr;
    if (matchPattern(op.getAxis(), m_Constant(&attr))) {
      auto ints = onnx::folding::getInts(attr);
      auto normalized = ints && ints->size() == 1
                            ? onnx::folding::normalizeAxis((*ints)[0], rank)
                            : std::nullopt;
      if (!normalized)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      axis = arith::ConstantIndexOp::create(rewriter, loc, *normalized);
    } else {
      SmallVector<Value> first(axisType.getRank(),
                               arith::ConstantIndexOp::create(rewriter, loc, 0));
      axis = toIndex(rewriter, loc, krnl::LoadOp::create(rewriter, loc, axisIn, first));
      axis = wrapNegativeIndex(rewriter, loc, axis, rankValue);
    }

    SmallVector<Value> dims = getDims(rewriter, loc, x);
    Value result = allocBuffer(rewriter, loc, xType, dims);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      // The element's indices, its position along the axis and the axis size.
      SmallVector<Value> at(ivs), isAxis;
      Value pos, size;
      for (int64_t d = 0; d < rank; ++d) {
        if (reverse)
          at[d] = arith::SubIOp::create(b, loc, arith::SubIOp::create(b, loc, dims[d], one),
                                        ivs[d]);
        isAxis.push_back(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, axis,
                                               arith::ConstantIndexOp::create(b, loc, d)));
        pos = d == 0 ? at[d] : Value(arith::SelectOp::create(b, loc, isAxis[d], at[d], pos));
        size = d == 0 ? dims[d] : Value(arith::SelectOp::create(b, loc, isAxis[d], dims[d], size));
      }
      // The element before along the axis (itself for the first: read, then ignored).
      Value hasPrev = reverse ? arith::CmpIOp::create(
                                    b, loc, arith::CmpIPredicate::slt, pos,
                                    arith::SubIOp::create(b, loc, size, one))
                              : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, pos,
                                                      arith::ConstantIndexOp::create(b, loc, 0));
      Value prevPos = reverse ? Value(arith::AddIOp::create(b, loc, pos, one))
                              : Value(arith::SubIOp::create(b, loc, pos, one));
      prevPos = arith::SelectOp::create(b, loc, hasPrev, prevPos, pos);
      SmallVector<Value> prev(at);
      for (int64_t d = 0; d < rank; ++d)
        prev[d] = arith::SelectOp::create(b, loc, isAxis[d], prevPos, at[d]);

      Value zero = constantOf(b, loc, element, 0);
      auto add = [&](Value lhs, Value rhs) -> Value {
        if (isa<FloatType>(element))
          return arith::AddFOp::create(b, loc, lhs, rhs);
        return arith::AddIOp::create(b, loc, lhs, rhs);
      };
      Value sum = krnl::LoadOp::create(b, loc, result, prev);
      if (exclusive)
        sum = add(sum, krnl::LoadOp::create(b, loc, x, prev));
      sum = arith::SelectOp::create(b, loc, hasPrev, sum, zero);
      if (!exclusive)
        sum = add(sum, krnl::LoadOp::create(b, loc, x, at));
      krnl::StoreOp::create(b, loc, sum, result, at);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateCumSumPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<CumSumLowering>(converter, patterns.getContext());
}

} // namespace omc
