//===- GemmPattern.cpp - a matrix product plus a bias is a Gemm ---------------===//
//
//   Add(MatMul(A, B), C) with A, B matrices and C broadcasting onto [M, N]
//                                                   -> Gemm(A, B, C){alpha=1, beta=1}
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Composites.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace omc::onnx {
namespace {

struct GemmPattern : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rewriter) const override {
    for (int matmulIndex : {0, 1}) {
      auto matmul = add->getOperand(matmulIndex).getDefiningOp<MatMulOp>();
      Value bias = add->getOperand(1 - matmulIndex);
      if (!matmul || !matmul->hasOneUse())
        continue;
      auto a = dyn_cast<RankedTensorType>(matmul.getA().getType());
      auto b = dyn_cast<RankedTensorType>(matmul.getB().getType());
      auto product = dyn_cast<RankedTensorType>(matmul.getType());
      auto c = dyn_cast<RankedTensorType>(bias.getType());
      if (!a || !b || !product || !c || a.getRank() != 2 || b.getRank() != 2 || c.getRank() > 2)
        continue;
      // The bias must not make the result larger than the product (Gemm's C broadcasts
      // onto [M, N], never the other way).
      SmallVector<int64_t> shape;
      if (!OpTrait::util::getBroadcastedShape(product.getShape(), c.getShape(), shape) ||
          ArrayRef<int64_t>(shape) != product.getShape() || add.getType() != product)
        continue;
      auto si64 = rewriter.getIntegerType(64, true);
      auto gemm = GemmOp::create(rewriter, add.getLoc(), TypeRange{add.getType()},
                                 ValueRange{matmul.getA(), matmul.getB(), bias},
                                 {rewriter.getNamedAttr("transA", rewriter.getIntegerAttr(si64, 0)),
                                  rewriter.getNamedAttr("transB", rewriter.getIntegerAttr(si64, 0))});
      rewriter.replaceOp(add, gemm.getY());
      return success();
    }
    return failure();
  }
};

} // namespace

void populateGemmPatterns(RewritePatternSet &patterns) {
  patterns.add<GemmPattern>(patterns.getContext());
}

} // namespace omc::onnx
