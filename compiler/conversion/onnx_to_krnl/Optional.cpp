//===- Optional.cpp - Optional, OptionalHasElement, OptionalGetElement ---------===//
//
// An optional is a buffer of 0 or 1 of what it holds (Sequence.h): Optional wraps a
// copy, OptionalHasElement tests the count, OptionalGetElement copies the element out.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/onnx_to_krnl/Sequence.h"

#include "compiler/conversion/onnx_to_krnl/ONNXToKrnl.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace omc {
namespace {

constexpr const char *kUnknownRank =
    "the rank of the optional's tensor is unknown (no tensor of the graph gives it)";

struct OptionalLowering : OpConversionPattern<onnx::OptionalOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::OptionalOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = nestedResultType(getTypeConverter(), op.getResult());
    if (!type)
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    bool empty = isa<NoneType>(op.getInput().getType());
    Value optional =
        allocSequence(rewriter, loc, type, indexConstant(rewriter, loc, empty ? 0 : 1));
    if (!empty)
      storeElementCopy(rewriter, loc, optional, indexConstant(rewriter, loc, 0),
                       adaptor.getInput());
    rewriter.replaceOp(op, optional);
    return success();
  }
};

struct OptionalHasElementLowering : OpConversionPattern<onnx::OptionalHasElementOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::OptionalHasElementOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = scalarResultType(getTypeConverter(), op.getResult());
    if (!type || !isNestedBuffer(adaptor.getInput().getType()))
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value count = elementCount(rewriter, loc, adaptor.getInput());
    Value has = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, count,
                                      indexConstant(rewriter, loc, 0));
    rewriter.replaceOp(op, scalarBuffer(rewriter, loc, type, has));
    return success();
  }
};

// An empty optional has nothing to get (ONNX leaves that undefined); its count is not
// checked here, as compiled code trusts the graph.
struct OptionalGetElementLowering : OpConversionPattern<onnx::OptionalGetElementOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(onnx::OptionalGetElementOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    MemRefType type = convertedResult(getTypeConverter(), op.getResult());
    if (!type || !isNestedBuffer(adaptor.getInput().getType()))
      return rewriter.notifyMatchFailure(op, kUnknownRank);
    Location loc = op.getLoc();
    Value element = memref::LoadOp::create(rewriter, loc, adaptor.getInput(),
                                           ValueRange{indexConstant(rewriter, loc, 0)});
    rewriter.replaceOp(op, copyValue(rewriter, loc, element, type));
    return success();
  }
};

} // namespace

void populateOptionalPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<OptionalLowering, OptionalHasElementLowering, OptionalGetElementLowering>(
      converter, patterns.getContext());
}

} // namespace omc
