//===- Trilu.cpp - Trilu -> krnl ----------------------------------------------===//
//
// Keeps the elements on and above (upper) or on and below (lower) the k-th diagonal
// of the last two dims, zeroes the others.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace omc {
namespace {

struct TriluLowering : OpConversionPattern<onnx::TriluOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::TriluOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = dyn_cast<MemRefType>(input.getType());
    if (!type || type.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs a ranked input of rank >= 2");
    int64_t rank = type.getRank();
    bool upper = op.getUpper() != 0;
    SmallVector<Value> dims = getDims(rewriter, loc, input);
    Value result = allocBuffer(rewriter, loc, type, dims);
    // k (a scalar int64, 0 when absent), as an index.
    Value k = arith::ConstantIndexOp::create(rewriter, loc, 0);
    if (!isa<NoneType>(adaptor.getK().getType()))
      k = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          krnl::LoadOp::create(rewriter, loc, adaptor.getK(), ValueRange{}).getResult());
    Value zero = constantOf(rewriter, loc, type.getElementType(), 0);
    buildLoopNest(rewriter, loc, dims, [&](OpBuilder &b, Location loc, ValueRange ivs) {
      // Column minus row, compared with k.
      Value offset = arith::SubIOp::create(b, loc, ivs[rank - 1], ivs[rank - 2]);
      Value keep = arith::CmpIOp::create(
          b, loc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle, offset, k);
      Value x = krnl::LoadOp::create(b, loc, input, ivs);
      krnl::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, keep, x, zero), result, ivs);
    });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateTriluPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<TriluLowering>(converter, patterns.getContext());
}

} // namespace omc
