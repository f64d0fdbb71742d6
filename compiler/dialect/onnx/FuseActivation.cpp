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

// Folds `activation` (a one-operand-in, one-result op) into the op producing its input
// as omc.activation = `name`, when the activation alone reads that result and has its type
// (one that shape inference left less refined keeps its own op).
void foldInto(mlir::Operation *producer, mlir::Operation *activation, llvm::StringRef name) {
  mlir::Value result = producer->getResult(0), output = activation->getResult(0);
  if (!result.hasOneUse() || producer->hasAttr(kActivationAttr) ||
      result.getType() != output.getType())
    return;
  producer->setAttr(kActivationAttr, mlir::StringAttr::get(producer->getContext(), name));
  output.replaceAllUsesWith(result);
  activation->erase();
}

struct ONNXFuseActivation : impl::ONNXFuseActivationBase<ONNXFuseActivation> {
  void runOnOperation() override {
    // ReLU6 folds into a Conv or ConvAdd only: the Add's loop knows Relu alone.
    mlir::SmallVector<ClipOp> clips;
    getOperation().walk([&](ClipOp clip) { clips.push_back(clip); });
    for (ClipOp clip : clips) {
      mlir::Operation *producer = clip.getInput().getDefiningOp();
      if (producer && mlir::isa<ConvOp, ConvAddOp>(producer) && isRelu6(clip))
        foldInto(producer, clip, "relu6");
    }

    mlir::SmallVector<ReluOp> relus;
    getOperation().walk([&](ReluOp relu) { relus.push_back(relu); });
    for (ReluOp relu : relus) {
      mlir::Operation *producer = relu.getX().getDefiningOp();
      // A Conv or ConvAdd (always float), or an Add of floats: the lowerings apply maximumf.
      if (producer && (mlir::isa<ConvOp, ConvAddOp>(producer) ||
                       (mlir::isa<AddOp>(producer) && isFloatTensor(relu.getX()))))
        foldInto(producer, relu, "relu");
    }
  }
};

} // namespace
} // namespace omc::onnx
