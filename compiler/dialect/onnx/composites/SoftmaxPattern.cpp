//===- SoftmaxPattern.cpp - Softmax spelled out -------------------------------===//
//
//   e = Exp(x - ReduceMax(x, [a]))   (or Exp(x))
//   y = Div(e, ReduceSum(e, [a]))                        -> Softmax(x){axis = a}
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Composites.h"
#include "compiler/dialect/onnx/composites/Matching.h"

using namespace mlir;

namespace omc::onnx {
namespace {

using namespace composites;

std::optional<int64_t> singleKeptAxis(Operation *reduce) {
  auto reduction = reductionOf(reduce);
  if (!reduction || !reduction->keepDims || reduction->axes.size() != 1)
    return std::nullopt;
  return reduction->axes[0];
}

struct SoftmaxPattern : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DivOp div, PatternRewriter &rewriter) const override {
    auto exp = div.getA().getDefiningOp<ExpOp>();
    auto sum = div.getB().getDefiningOp<ReduceSumOp>();
    if (!exp || !sum || sum.getData() != div.getA())
      return failure();
    auto axis = singleKeptAxis(sum);
    if (!axis)
      return failure();
    // exp(x - max(x)) is the same softmax as exp(x), computed safely.
    Value x = exp.getInput();
    if (auto sub = x.getDefiningOp<SubOp>()) {
      auto max = sub.getB().getDefiningOp<ReduceMaxOp>();
      if (max && max.getData() == sub.getA() && singleKeptAxis(max) == axis)
        x = sub.getA();
    }
    if (x.getType() != div.getType())
      return failure();
    rewriter.replaceOpWithNewOp<SoftmaxOp>(
        div, div.getType(), x, rewriter.getIntegerAttr(rewriter.getIntegerType(64, true), *axis));
    return success();
  }
};

} // namespace

void populateSoftmaxPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxPattern>(patterns.getContext());
}

} // namespace omc::onnx
