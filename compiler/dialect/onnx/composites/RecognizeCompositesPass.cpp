//===- RecognizeCompositesPass.cpp - the onnx-recognize-composites pass -------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"
#include "compiler/dialect/onnx/composites/Composites.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXRECOGNIZECOMPOSITES
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

struct ONNXRecognizeComposites
    : impl::ONNXRecognizeCompositesBase<ONNXRecognizeComposites> {
  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    populateLayerNormPatterns(patterns);
    populateGeluPatterns(patterns);
    populateSoftmaxPatterns(patterns);
    populateAttentionPatterns(patterns);
    populateGemmPatterns(patterns);
    // Not converging within the driver's limits leaves a correct program: no error.
    (void)mlir::applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
} // namespace omc::onnx
