//===- Canonicalize.cpp - canonicalization patterns of onnx ops ---------------===//

#include "compiler/dialect/onnx/ONNXOps.h"

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

} // namespace

void DropoutOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<DropoutAtInference>(context);
}

} // namespace omc::onnx
