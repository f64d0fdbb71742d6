//===- AttentionPattern.cpp - scaled dot-product attention --------------------===//
//
//   scores = MatMul(Q, Kt)
//   scaled = Div(scores, c) | Mul(scores, c) | scores          scale = 1/c | c | 1
//   masked = Where(mask, scaled, v) | scaled
//   Y      = MatMul(Softmax(masked, axis = last), V)
//                                  -> ScaledDotProductAttention(Q, Kt, V, mask, v){scale}
//
// Every intermediate must have no other use: they all disappear.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Composites.h"
#include "compiler/dialect/onnx/composites/Matching.h"

using namespace mlir;

namespace omc::onnx {
namespace {

using namespace composites;

template <typename OpT> OpT singleUse(Value value) {
  auto op = value.getDefiningOp<OpT>();
  return op && value.hasOneUse() ? op : OpT();
}

struct AttentionPattern : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp root, PatternRewriter &rewriter) const override {
    auto softmax = singleUse<SoftmaxOp>(root.getA());
    auto probsType = softmax ? dyn_cast<RankedTensorType>(softmax.getType()) : nullptr;
    if (!probsType || probsType.getRank() < 2 ||
        (softmax.getAxis() != -1 && softmax.getAxis() != probsType.getRank() - 1))
      return failure();

    Value scores = softmax.getInput();
    Value mask, maskedValue;
    if (auto where = singleUse<WhereOp>(scores)) {
      auto valueType = dyn_cast<RankedTensorType>(where.getY().getType());
      if (!valueType || valueType.getNumElements() != 1)
        return failure();
      mask = where.getCondition();
      maskedValue = where.getY();
      scores = where.getX();
    }

    double scale = 1.0;
    if (auto div = singleUse<DivOp>(scores)) {
      auto divisor = splatValue(div.getB());
      if (!divisor || *divisor == 0)
        return failure();
      scale = 1.0 / *divisor;
      scores = div.getA();
    } else if (auto mul = singleUse<MulOp>(scores)) {
      auto factor = splatValue(mul.getB());
      if (!factor)
        return failure();
      scale = *factor;
      scores = mul.getA();
    }
    auto product = singleUse<MatMulOp>(scores);
    if (!product || product.getType() != softmax.getType())
      return failure();

    Location loc = root.getLoc();
    auto none = [&] { return NoValueOp::create(rewriter, loc, rewriter.getNoneType()); };
    rewriter.replaceOpWithNewOp<ScaledDotProductAttentionOp>(
        root, root.getType(), product.getA(), product.getB(), root.getB(),
        mask ? mask : Value(none()), maskedValue ? maskedValue : Value(none()),
        rewriter.getF32FloatAttr(scale));
    return success();
  }
};

} // namespace

void populateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionPattern>(patterns.getContext());
}

} // namespace omc::onnx
