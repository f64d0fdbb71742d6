//===- FuseActivation.cpp - the onnx-fuse-activation pass ----------------------===//
//
// See Passes.td. The attribute's name and values are in ONNXOps.h (kActivationAttr).
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/composites/Matching.h"
#include "compiler/dialect/onnx/Passes.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXFUSEACTIVATION
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

bool isFloatTensor(mlir::Value value) {
  auto type = mlir::dyn_cast<mlir::ShapedType>(value.getType());
  return type && mlir::isa<mlir::FloatType>(type.getElementType());
}

// A Clip to [0, 6] (MobileNet's ReLU6): both bounds constants of exactly those values.
bool isRelu6(ClipOp clip) {
  std::optional<double> low = composites::splatValue(clip.getMin());
  std::optional<double> high = composites::splatValue(clip.getMax());
  return low && high && *low == 0.0 && *high == 6.0;
}

struct ONNXFuseActivation : impl::ONNXFuseActivationBase<ONNXFuseActivation> {
  void runOnOperation() override {
    // ReLU6 folds into a Conv or ConvAdd only: the Add's loop knows Relu alone.
    mlir::SmallVector<ClipOp> clips;
    getOperation().walk([&](ClipOp clip) { clips.push_back(clip); });
    for (ClipOp clip : clips) {
      mlir::Operation *producer = clip.getInput().getDefiningOp();
      if (!producer || !mlir::isa<ConvOp, ConvAddOp>(producer) || !isRelu6(clip))
        continue;
      mlir::Value result = producer->getResult(0);
      if (!result.hasOneUse() || producer->hasAttr(kActivationAttr) ||
          result.getType() != clip.getOutput().getType())
        continue;
      producer->setAttr(kActivationAttr, mlir::StringAttr::get(&getContext(), "relu6"));
      clip.getOutput().replaceAllUsesWith(result);
      clip.erase();
    }

    mlir::SmallVector<ReluOp> relus;
    getOperation().walk([&](ReluOp relu) { relus.push_back(relu); });
    for (ReluOp relu : relus) {
      mlir::Operation *producer = relu.getX().getDefiningOp();
      // A Conv or ConvAdd (always float), or an Add of floats: the lowerings apply maximumf.
      if (!producer || !(mlir::isa<ConvOp, ConvAddOp>(producer) ||
                         (mlir::isa<AddOp>(producer) && isFloatTensor(relu.getX()))))
        continue;
      // Its result must be the Relu's alone, of the same type (a Relu that shape inference
      // left less refined keeps its own type).
      mlir::Value result = producer->getResult(0);
      if (!result.hasOneUse() || producer->hasAttr(kActivationAttr) ||
          result.getType() != relu.getY().getType())
        continue;
      producer->setAttr(kActivationAttr, mlir::StringAttr::get(&getContext(), "relu"));
      relu.getY().replaceAllUsesWith(result);
      relu.erase();
    }
  }
};

} // namespace
} // namespace omc::onnx
