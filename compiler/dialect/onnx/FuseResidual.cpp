//===- FuseResidual.cpp - the onnx-fuse-residual pass --------------------------===//
//
// See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXFUSERESIDUAL
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

// The Conv that only `add` reads, as one of its operands, with the Add's type on both
// sides (no broadcasting) and no activation of its own; the other operand through `other`.
ConvOp residualConv(AddOp add, mlir::Value &other) {
  for (unsigned i = 0; i < 2; ++i) {
    auto conv = add->getOperand(i).getDefiningOp<ConvOp>();
    if (!conv || !conv.getY().hasOneUse() || conv->hasAttr(kActivationAttr))
      continue;
    mlir::Value z = add->getOperand(1 - i);
    if (conv.getY().getType() != add.getType() || z.getType() != add.getType() ||
        !mlir::isa<mlir::RankedTensorType>(add.getType()))
      continue;
    other = z;
    return conv;
  }
  return {};
}

struct ONNXFuseResidual : impl::ONNXFuseResidualBase<ONNXFuseResidual> {
  void runOnOperation() override {
    mlir::SmallVector<AddOp> adds;
    getOperation().walk([&](AddOp add) { adds.push_back(add); });
    for (AddOp add : adds) {
      mlir::Value z;
      ConvOp conv = residualConv(add, z);
      if (!conv)
        continue;
      // At the Add, where Z is defined too; the Conv's operands come before it.
      mlir::OpBuilder b(add);
      auto fused = ConvAddOp::create(
          b, add.getLoc(), add.getType(), conv.getX(), conv.getW(), conv.getB(), z,
          conv.getAutoPadAttr(), conv.getDilationsAttr(), conv.getGroupAttr(),
          conv.getKernelShapeAttr(), conv.getPadsAttr(), conv.getStridesAttr());
      if (mlir::Attribute activation = add->getAttr(kActivationAttr))
        fused->setAttr(kActivationAttr, activation);
      add.replaceAllUsesWith(fused.getY());
      add.erase();
      conv.erase();
    }
  }
};

} // namespace
} // namespace omc::onnx
