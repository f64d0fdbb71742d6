//===- LayerNormPattern.cpp - the decomposed LayerNormalization ---------------===//
//
//   mean = ReduceMean(x, axes)      d = Sub(x, mean)
//   var  = ReduceMean(Pow(d, 2) or Mul(d, d), axes)
//   n    = Div(d, Sqrt(Add(var, eps)))
//   y    = Add(Mul(n, gamma), beta)          (Mul and Add either way round)
//
// with axes the trailing ones -> LayerNormalization(x, gamma, beta){axis, epsilon}.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Composites.h"
#include "compiler/dialect/onnx/composites/Matching.h"

using namespace mlir;

namespace omc::onnx {
namespace {

using namespace composites;

// d = x - ReduceMean(x) over trailing axes: returns x and the reduction.
std::optional<std::pair<Value, Reduction>> matchCentered(Value d) {
  auto sub = d.getDefiningOp<SubOp>();
  if (!sub)
    return std::nullopt;
  auto mean = sub.getB().getDefiningOp<ReduceMeanOp>();
  if (!mean || mean.getData() != sub.getA())
    return std::nullopt;
  auto reduction = reductionOf(mean);
  if (!reduction || !reduction->keepDims)
    return std::nullopt;
  return std::make_pair(sub.getA(), *reduction);
}

bool isSquareOf(Value value, Value d) {
  if (auto pow = value.getDefiningOp<PowOp>())
    return pow.getX() == d && isSplatNear(pow.getY(), 2.0, 1e-6);
  if (auto mul = value.getDefiningOp<MulOp>())
    return mul.getA() == d && mul.getB() == d;
  return false;
}

// A scale or bias that broadcasts onto the normalized dims only.
bool fitsNormalizedDims(Value value, ArrayRef<int64_t> xShape, int64_t axis) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() > static_cast<int64_t>(xShape.size()) - axis)
    return false;
  ArrayRef<int64_t> normalized = xShape.drop_front(axis).take_back(type.getRank());
  return type.getShape() == normalized;
}

struct LayerNormPattern : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rewriter) const override {
    // y = scaled + beta, either way round.
    for (int betaIndex : {1, 0}) {
      Value beta = add->getOperand(betaIndex);
      Value scaled = add->getOperand(1 - betaIndex);
      auto mul = scaled.getDefiningOp<MulOp>();
      if (!mul || !mul->hasOneUse())
        continue;
      for (int gammaIndex : {1, 0}) {
        Value gamma = mul->getOperand(gammaIndex);
        auto div = mul->getOperand(1 - gammaIndex).getDefiningOp<DivOp>();
        if (div && succeeded(rewrite(add, div, gamma, beta, rewriter)))
          return success();
      }
    }
    return failure();
  }

  LogicalResult rewrite(AddOp root, DivOp div, Value gamma, Value beta,
                        PatternRewriter &rewriter) const {
    auto centered = matchCentered(div.getA());
    if (!centered)
      return failure();
    auto [x, reduction] = *centered;
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || !isTrailing(reduction.axes, xType.getRank()))
      return failure();
    auto sqrt = div.getB().getDefiningOp<SqrtOp>();
    auto addEps = sqrt ? sqrt.getX().getDefiningOp<AddOp>() : AddOp();
    if (!addEps)
      return failure();
    auto varianceAt = [&](int i) { return addEps->getOperand(i).getDefiningOp<ReduceMeanOp>(); };
    int varianceIndex = varianceAt(0) ? 0 : 1;
    auto variance = varianceAt(varianceIndex);
    auto epsilon = splatValue(addEps->getOperand(1 - varianceIndex));
    if (!variance || !epsilon || !isSquareOf(variance.getData(), div.getA()))
      return failure();
    auto varianceReduction = reductionOf(variance);
    if (!varianceReduction || varianceReduction->axes != reduction.axes ||
        !varianceReduction->keepDims)
      return failure();
    int64_t axis = xType.getRank() - reduction.axes.size();
    if (!fitsNormalizedDims(gamma, xType.getShape(), axis) ||
        !fitsNormalizedDims(beta, xType.getShape(), axis) ||
        root.getType() != x.getType())
      return failure();

    Type none = rewriter.getNoneType();
    auto layerNorm = LayerNormalizationOp::create(
        rewriter, root.getLoc(), TypeRange{root.getType(), none, none},
        ValueRange{x, gamma, beta},
        {rewriter.getNamedAttr("axis", rewriter.getIntegerAttr(
                                           rewriter.getIntegerType(64, true), axis)),
         rewriter.getNamedAttr("epsilon", rewriter.getF32FloatAttr(*epsilon))});
    rewriter.replaceOp(root, layerNorm.getY());
    return success();
  }
};

} // namespace

void populateLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormPattern>(patterns.getContext());
}

} // namespace omc::onnx
