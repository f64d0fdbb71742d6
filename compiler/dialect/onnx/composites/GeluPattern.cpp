//===- GeluPattern.cpp - GELU in its erf and tanh spellings -------------------===//
//
//   x * 0.5 * (1 + erf(x / sqrt(2)))                                 -> Gelu "none"
//   x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))        -> Gelu "tanh"
//
// The products and sums may come in any order and grouping.
//
//===----------------------------------------------------------------------===//

#include <cmath>

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Composites.h"
#include "compiler/dialect/onnx/composites/Matching.h"

using namespace mlir;

namespace omc::onnx {
namespace {

using namespace composites;

// x / sqrt(2) or x * (1 / sqrt(2)).
bool isScaledForErf(Value value, Value x) {
  if (auto div = value.getDefiningOp<DivOp>())
    return div.getA() == x && isSplatNear(div.getB(), std::sqrt(2.0));
  SmallVector<Value> leaves = mulLeaves(value);
  return leaves.size() == 2 && takeLeaf(leaves, [&](Value v) { return v == x; }) &&
         isSplatNear(leaves[0], 1.0 / std::sqrt(2.0));
}

// x^3 as Pow(x, 3) or x * x * x.
bool isCube(Value value, Value x) {
  if (auto pow = value.getDefiningOp<PowOp>())
    return pow.getX() == x && isSplatNear(pow.getY(), 3.0, 1e-6);
  SmallVector<Value> leaves = mulLeaves(value);
  return leaves.size() == 3 && llvm::all_of(leaves, [&](Value v) { return v == x; });
}

// sqrt(2 / pi) * (x + 0.044715 * x^3).
bool isTanhArgument(Value value, Value x) {
  SmallVector<Value> outer = mulLeaves(value);
  if (!takeLeaf(outer, [](Value v) { return isSplatNear(v, std::sqrt(2.0 / M_PI)); }) ||
      outer.size() != 1)
    return false;
  SmallVector<Value> sum = addLeaves(outer[0]);
  if (sum.size() != 2 || !takeLeaf(sum, [&](Value v) { return v == x; }))
    return false;
  SmallVector<Value> cubic = mulLeaves(sum[0]);
  if (!takeLeaf(cubic, [](Value v) { return isSplatNear(v, 0.044715); }))
    return false;
  if (cubic.size() == 1)
    return isCube(cubic[0], x);
  return cubic.size() == 3 && llvm::all_of(cubic, [&](Value v) { return v == x; });
}

// 1 + erf(...) or 1 + tanh(...): which approximation, or nothing.
std::optional<StringRef> matchOnePlus(Value value, Value x) {
  SmallVector<Value> sum = addLeaves(value);
  if (sum.size() != 2 || !takeLeaf(sum, [](Value v) { return isSplatNear(v, 1.0, 1e-6); }))
    return std::nullopt;
  if (auto erf = sum[0].getDefiningOp<ErfOp>(); erf && isScaledForErf(erf.getInput(), x))
    return StringRef("none");
  if (auto tanh = sum[0].getDefiningOp<TanhOp>(); tanh && isTanhArgument(tanh.getInput(), x))
    return StringRef("tanh");
  return std::nullopt;
}

struct GeluPattern : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp root, PatternRewriter &rewriter) const override {
    SmallVector<Value> factors = mulLeaves(root.getResult());
    if (factors.size() != 3 ||
        !takeLeaf(factors, [](Value v) { return isSplatNear(v, 0.5, 1e-6); }))
      return failure();
    // One factor is x, the other 1 + f(x).
    for (int xIndex : {0, 1}) {
      Value x = factors[xIndex];
      auto approximate = matchOnePlus(factors[1 - xIndex], x);
      if (!approximate || x.getType() != root.getType())
        continue;
      rewriter.replaceOpWithNewOp<GeluOp>(root, root.getType(), x,
                                          rewriter.getStringAttr(*approximate));
      return success();
    }
    return failure();
  }
};

} // namespace

void populateGeluPatterns(RewritePatternSet &patterns) {
  patterns.add<GeluPattern>(patterns.getContext());
}

} // namespace omc::onnx
