//===- FuseConvActivation.cpp - the onnx-fuse-conv-activation pass ------------===//
//
// See Passes.td. The attribute's name and values are in ONNXOps.h (kConvActivationAttr).
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXFUSECONVACTIVATION
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

struct ONNXFuseConvActivation : impl::ONNXFuseConvActivationBase<ONNXFuseConvActivation> {
  void runOnOperation() override {
    mlir::SmallVector<ReluOp> relus;
    getOperation().walk([&](ReluOp relu) { relus.push_back(relu); });
    for (ReluOp relu : relus) {
      auto conv = relu.getX().getDefiningOp<ConvOp>();
      // The Conv's result must be the Relu's alone, of the same type (a Relu that shape
      // inference left less refined keeps its own type). A Conv's result is always float.
      if (!conv || !conv.getY().hasOneUse() || conv->hasAttr(kConvActivationAttr) ||
          conv.getY().getType() != relu.getY().getType())
        continue;
      conv->setAttr(kConvActivationAttr, mlir::StringAttr::get(&getContext(), "relu"));
      relu.getY().replaceAllUsesWith(conv.getY());
      relu.erase();
    }
  }
};

} // namespace
} // namespace omc::onnx
