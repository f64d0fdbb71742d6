//===- ShapeInferencePass.cpp - the onnx-shape-inference pass -----------------===//
//
// Refining types and folding feed each other: once Shape's input is static, Shape folds
// to a constant, the Gather/Concat over it fold, and Reshape then knows its result. So
// the pass alternates the two until no type changes (or a round limit).
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"
#include "compiler/dialect/onnx/ShapeInference.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXSHAPEINFERENCE
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

constexpr int kMaxRounds = 16;

LogicalResult inferOp(Operation *op) {
  if (auto shaped = dyn_cast<ShapeInferenceOpInterface>(op))
    return shaped.inferShapes();
  if (op->getNumResults() == 0 || op->getNumOperands() == 0)
    return success();
  if (op->hasTrait<SameShapeAsInput>()) {
    auto shape = rankedShape(op->getOperand(0));
    return shape ? refineShape(op, op->getResult(0), *shape) : success();
  }
  if (op->hasTrait<BroadcastingResult>())
    return inferBroadcast(op, op->getOperands(), op->getResult(0));
  return success();
}

struct ONNXShapeInference : impl::ONNXShapeInferenceBase<ONNXShapeInference> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    RewritePatternSet patterns(&getContext());
    for (RegisteredOperationName name : getContext().getRegisteredOperations())
      if (name.getDialectNamespace() == "onnx")
        name.getCanonicalizationPatterns(patterns, &getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));

    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = false;
      // Program order: an op sees its operands' refined types.
      WalkResult walk = func.walk([&](Operation *op) {
        if (op->getDialect() == nullptr || op->getDialect()->getNamespace() != "onnx")
          return WalkResult::advance();
        SmallVector<Type> before(op->getResultTypes());
        if (failed(inferOp(op)))
          return WalkResult::interrupt();
        changed |= !llvm::equal(before, op->getResultTypes());
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
      // Not converging within the driver's limits is no error: the next round goes on.
      bool folded = false;
      (void)applyPatternsGreedily(func, frozen, GreedyRewriteConfig(), &folded);
      if (!changed && !folded)
        break;
    }

    // The function now returns values of refined types: say so in its signature.
    auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    auto type = func.getFunctionType();
    func.setType(FunctionType::get(func.getContext(), type.getInputs(),
                                   returnOp.getOperandTypes()));
  }
};

} // namespace
} // namespace omc::onnx
