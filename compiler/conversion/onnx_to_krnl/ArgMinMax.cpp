//===- ArgMinMax.cpp - ArgMax and ArgMin -> krnl ------------------------------===//
//
// Like a reduction with two accumulators: the best value so far (scratch buffer of
// the result's shape, freed with the function's other temporaries) and its index (the
// int64 result). A strictly better value moves the index; with select_last_index an
// equal one does too.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include <cmath>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

template <typename OpTy, bool isMax>
struct ArgLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto dataType = dyn_cast<MemRefType>(data.getType());
    MemRefType resultType = convertedResult(this->getTypeConverter(), op->getResult(0));
    Type onnxType = cast<ShapedType>(op.getData().getType()).getElementType();
    if (!dataType || !resultType || !(isa<FloatType>(onnxType) || isa<IntegerType>(onnxType)))
      return rewriter.notifyMatchFailure(op, "needs ranked int or float types");
    int64_t rank = dataType.getRank();
    int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
    bool keepDims = op.getKeepdims() != 0, last = op.getSelectLastIndex() != 0;
    bool isFloat = isa<FloatType>(onnxType), isUnsigned = onnxType.isUnsignedInteger();

    SmallVector<Value> dataDims = getDims(rewriter, loc, data), dims;
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        dims.push_back(dataDims[d]);
      else if (keepDims)
        dims.push_back(one);
    Value result = allocBuffer(rewriter, loc, resultType, dims);
    auto bestType = MemRefType::get(resultType.getShape(), dataType.getElementType());
    Value best = allocBuffer(rewriter, loc, bestType, dims);

    auto resultIndex = [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> to;
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis)
          to.push_back(ivs[d]);
        else if (keepDims)
          to.push_back(arith::ConstantIndexOp::create(b, loc, 0));
      return to;
    };
    // Start from the first element along the axis.
    SmallVector<Value> firstDims(dataDims);
    firstDims[axis] = one;
    buildLoopNest(rewriter, loc, firstDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> to = resultIndex(b, loc, ivs);
      krnl::StoreOp::create(b, loc, krnl::LoadOp::create(b, loc, data, ivs), best, to);
      krnl::StoreOp::create(b, loc, constantOf(b, loc, b.getI64Type(), 0), result, to);
    });
    buildLoopNest(rewriter, loc, dataDims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      SmallVector<Value> to = resultIndex(b, loc, ivs);
      Value x = krnl::LoadOp::create(b, loc, data, ivs);
      Value current = krnl::LoadOp::create(b, loc, best, to);
      Value better;
      if (isFloat) {
        auto predicate = isMax ? (last ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
                               : (last ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
        better = arith::CmpFOp::create(b, loc, predicate, x, current);
      } else {
        arith::CmpIPredicate predicate;
        if (isMax)
          predicate = isUnsigned ? (last ? arith::CmpIPredicate::uge : arith::CmpIPredicate::ugt)
                                 : (last ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sgt);
        else
          predicate = isUnsigned ? (last ? arith::CmpIPredicate::ule : arith::CmpIPredicate::ult)
                                 : (last ? arith::CmpIPredicate::sle : arith::CmpIPredicate::slt);
        better = arith::CmpIOp::create(b, loc, predicate, x, current);
      }
      Value index = arith::IndexCastOp::create(b, loc, b.getI64Type(), ivs[axis]);
      Value oldIndex = krnl::LoadOp::create(b, loc, result, to);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, better, x, current), best, to);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, better, index, oldIndex),
                            result, to);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateArgMinMaxPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ArgLowering<onnx::ArgMaxOp, true>, ArgLowering<onnx::ArgMinOp, false>>(
      converter, patterns.getContext());
}

} // namespace omc
