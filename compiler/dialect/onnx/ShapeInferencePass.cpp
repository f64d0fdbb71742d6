//===- ShapeInferencePass.cpp - the onnx-shape-inference pass -----------------===//
//
// Refining types and folding feed each other: once Shape's input is static, Shape folds
// to a constant, the Gather/Concat over it fold, and Reshape then knows its result. So
// the pass refines each op and at once tries to fold it, in program order, so a whole
// chain resolves in one sweep; canonicalization patterns run between sweeps, until
// nothing changes (or a round limit).
//
//===----------------------------------------------------------------------===//

#include "compiler/dialect/onnx/ConstantFolding.h"
#include "compiler/dialect/onnx/ONNXOps.h"
#include "compiler/dialect/onnx/Passes.h"
#include "compiler/dialect/onnx/ShapeInference.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/FoldUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace omc::onnx {

#define GEN_PASS_DEF_ONNXSHAPEINFERENCE
#include "compiler/dialect/onnx/Passes.h.inc"

namespace {

constexpr int kMaxRounds = 16;

// An If result takes what both branches agree on: the rank, and each dim the two
// yield as the same static size.
LogicalResult inferIf(IfOp op) {
  auto thenYield = op.getThenBranch().front().getTerminator();
  auto elseYield = op.getElseBranch().front().getTerminator();
  if (thenYield->getNumOperands() != op.getNumResults() ||
      elseYield->getNumOperands() != op.getNumResults())
    return success();
  for (auto [result, a, b] :
       llvm::zip(op.getResults(), thenYield->getOperands(), elseYield->getOperands())) {
    auto shapeA = rankedShape(a), shapeB = rankedShape(b);
    if (!isa<UnrankedTensorType>(result.getType()) || !shapeA || !shapeB ||
        shapeA->size() != shapeB->size())
      continue;
    SmallVector<int64_t> shape;
    for (auto [x, y] : llvm::zip(*shapeA, *shapeB))
      shape.push_back(x == y ? x : ShapedType::kDynamic);
    if (failed(refineShape(op, result, shape)))
      return failure();
  }
  return success();
}

// Loop results of unknown rank: a carried value's rank is its initial value's (its dims
// dynamic unless the body yields them unchanged), a scan output's is one more than the
// body's output.
LogicalResult inferLoop(LoopOp op) {
  Operation *yield = op.getBody().front().getTerminator();
  size_t numCarried = op.getVInitial().size();
  if (yield->getNumOperands() != op.getNumResults() + 1 || op.getNumResults() < numCarried)
    return success();
  for (auto [i, result] : llvm::enumerate(op.getResults())) {
    if (!isa<UnrankedTensorType>(result.getType()))
      continue;
    auto out = rankedShape(yield->getOperand(i + 1));
    if (!out)
      continue;
    SmallVector<int64_t> shape;
    if (i < numCarried) {
      auto init = rankedShape(op.getVInitial()[i]);
      if (!init || init->size() != out->size())
        continue;
      for (auto [x, y] : llvm::zip(*init, *out))
        shape.push_back(x == y ? x : ShapedType::kDynamic);
    } else {
      shape.push_back(ShapedType::kDynamic);
      llvm::append_range(shape, *out);
    }
    if (failed(refineShape(op, result, shape)))
      return failure();
  }
  return success();
}

LogicalResult inferOp(Operation *op) {
  if (auto ifOp = dyn_cast<IfOp>(op))
    return inferIf(ifOp);
  if (auto loop = dyn_cast<LoopOp>(op))
    return inferLoop(loop);
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

// A shape computation whose values are all known though its inputs are not constants
// (an entry of Shape(x) that is a static dim of x, while x has dynamic ones) becomes a
// constant, so that what reads it (Reshape, Slice, composite patterns) sees it.
bool replaceByKnownInts(Operation *op) {
  if (op->getNumResults() != 1 || isa<ConstantOp>(op))
    return false;
  Value result = op->getResult(0);
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type || !type.hasStaticShape() || type.getRank() > 1 ||
      !isa<IntegerType>(type.getElementType()))
    return false;
  auto values = knownInts(result);
  if (!values || llvm::any_of(*values, ShapedType::isDynamic))
    return false;
  OpBuilder builder(op);
  auto constant = ConstantOp::create(builder, op->getLoc(), type,
                                     folding::intsAttr(*values, type.getShape(),
                                                       type.getElementType()));
  result.replaceAllUsesWith(constant.getResult());
  if (isOpTriviallyDead(op))
    op->erase();
  return true;
}

// A Loop body may declare a carried input without a type (Range's function body
// does): it takes the initial value's rank and element type, with every dim dynamic,
// since a carried value may change shape between iterations.
void refineLoopBodyInputs(func::FuncOp func) {
  func.walk<WalkOrder::PreOrder>([](LoopOp loop) {
    Block &body = loop.getBody().front();
    if (body.getNumArguments() != loop.getVInitial().size() + 2)
      return;
    for (auto [init, arg] : llvm::zip(loop.getVInitial(), body.getArguments().drop_front(2))) {
      auto initType = dyn_cast<RankedTensorType>(init.getType());
      auto argType = dyn_cast<UnrankedTensorType>(arg.getType());
      if (initType && argType && initType.getElementType() == argType.getElementType())
        arg.setType(RankedTensorType::get(
            SmallVector<int64_t>(initType.getRank(), ShapedType::kDynamic),
            initType.getElementType()));
    }
  });
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
      refineLoopBodyInputs(func);
      // Program order (a region's ops before the op holding it): an op sees its
      // operands' refined types, and the constants its operands folded to.
      SmallVector<Operation *> ops;
      func.walk([&](Operation *op) {
        if (op->getDialect() && op->getDialect()->getNamespace() == "onnx" &&
            !isa<ConstantOp, NoValueOp>(op))
          ops.push_back(op);
      });
      OperationFolder folder(&getContext());
      for (Operation *op : ops) {
        SmallVector<Type> before(op->getResultTypes());
        if (failed(inferOp(op)))
          return signalPassFailure();
        changed |= !llvm::equal(before, op->getResultTypes());
        bool inPlace = false;
        // On success without inPlace the op is replaced by constants and erased.
        if (succeeded(folder.tryToFold(op, &inPlace))) {
          changed = true;
          continue;
        }
        if (replaceByKnownInts(op))
          changed = true;
      }
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
