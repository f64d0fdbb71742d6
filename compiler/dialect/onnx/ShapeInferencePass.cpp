//===- ShapeInferencePass.cpp - the onnx-shape-inference pass -----------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXSHAPEINFERENCE
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

struct ONNXShapeInference : impl::ONNXShapeInferenceBase<ONNXShapeInference> {
  void runOnOperation() override {
    mlir::func::FuncOp func = getOperation();
    // Program order: an op sees its operands' refined types.
    auto walkResult = func.walk([](ShapeInferenceOpInterface op) {
      return mlir::failed(op.inferShapes()) ? mlir::WalkResult::interrupt()
                                            : mlir::WalkResult::advance();
    });
    if (walkResult.wasInterrupted())
      return signalPassFailure();

    // The function now returns values of refined types: say so in its signature.
    auto returnOp = llvm::cast<mlir::func::ReturnOp>(func.getBody().back().getTerminator());
    auto type = func.getFunctionType();
    func.setType(mlir::FunctionType::get(func.getContext(), type.getInputs(),
                                         returnOp.getOperandTypes()));
  }
};

} // namespace
} // namespace omc::onnx
