//===- FuseActivation.cpp - the onnx-fuse-activation pass ----------------------===//
//
// See Passes.td. The attribute's name and values are in ONNXOps.h (kActivationAttr).
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXFUSEACTIVATION
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

bool isFloatTensor(mlir::Value value) {
  auto type = mlir::dyn_cast<mlir::ShapedType>(value.getType());
  return type && mlir::isa<mlir::FloatType>(type.getElementType());
}

struct ONNXFuseActivation : impl::ONNXFuseActivationBase<ONNXFuseActivation> {
  void runOnOperation() override {
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
