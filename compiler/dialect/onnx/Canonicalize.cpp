//===- Canonicalize.cpp - canonicalization patterns of onnx ops ---------------===//

#include "compiler/dialect/onnx/ONNXOps.h"

#include "compiler/dialect/onnx/ConstantFolding.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace omc::onnx {
namespace {

// Dropout at inference (training_mode absent or false) passes its input through; its
// mask, when nobody reads it, need not exist.
struct DropoutAtInference : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DropoutOp op, PatternRewriter &rewriter) const override {
    Value training = op.getTrainingMode();
    if (!isa<NoneType>(training.getType()) && !matchPattern(training, m_Zero()))
      return failure();
    if (!op.getMask().use_empty() || op.getData().getType() != op.getOutput().getType())
      return failure();
    rewriter.replaceAllUsesWith(op.getOutput(), op.getData());
    rewriter.eraseOp(op);
    return success();
  }
};

// The shape of a transpose is its input's shape, permuted: Shape(Transpose(x, perm)) =
// Gather(Shape(x), perm[start:end]). The transpose is then often dead, and its copy of the
// data goes with it (GPT-2 transposes each layer's keys twice, once only for a Shape).
struct ShapeOfTranspose : OpRewritePattern<ShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ShapeOp op, PatternRewriter &rewriter) const override {
    auto transpose = op.getData().getDefiningOp<TransposeOp>();
    if (!transpose)
      return failure();
    auto inputType = dyn_cast<RankedTensorType>(transpose.getData().getType());
    if (!inputType)
      return failure();
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> perm;
    if (std::optional<ArrayAttr> attr = transpose.getPerm()) {
      for (Attribute axis : *attr)
        perm.push_back(cast<IntegerAttr>(axis).getInt());
    } else {
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    }
    if (int64_t(perm.size()) != rank)
      return failure();
    folding::ShapeDims taken = folding::shapeDims(op.getStart(), op.getEnd(), rank);
    SmallVector<int64_t> axes(perm.begin() + taken.first, perm.begin() + taken.last);

    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type();
    auto si64 = [&](int64_t v) {
      return rewriter.getIntegerAttr(rewriter.getIntegerType(64, /*isSigned=*/true), v);
    };
    Value shape = ShapeOp::create(rewriter, loc, RankedTensorType::get({rank}, i64),
                                  transpose.getData(), IntegerAttr(), si64(0));
    auto indicesType = RankedTensorType::get({int64_t(axes.size())}, i64);
    Value indices = ConstantOp::create(rewriter, loc, indicesType,
                                       folding::intsAttr(axes, indicesType.getShape(), i64));
    rewriter.replaceOpWithNewOp<GatherOp>(op, op.getType(), shape, indices, si64(0));
    return success();
  }
};

} // namespace

void ShapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<ShapeOfTranspose>(context);
}

void DropoutOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<DropoutAtInference>(context);
}

} // namespace omc::onnx
