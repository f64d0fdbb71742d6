//===- OutlineParallelLoops.cpp - parallel loops -> chunk functions ------------===//
//
// A loop with independent iterations becomes a call of a function that runs a
// sub-range of its iterations, so that omc-bind-parallel-calls can hand that
// function to the runtime's thread pool. Only the outermost parallel loop of a nest
// is taken, and only when it has enough work to pay for waking threads.
//
//===----------------------------------------------------------------------===//

#include "compiler/parallel/Passes.h"

#include "mlir/Dialect/Affine/Analysis/LoopAnalysis.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_OUTLINEPARALLELLOOPS
#include "compiler/parallel/Passes.h.inc"

namespace {

// Trip count assumed for a loop whose bounds are not constants.
constexpr int64_t kUnknownTrips = 64;
constexpr int64_t kWorkCap = int64_t(1) << 50;

int64_t capped(int64_t value) { return std::min(value, kWorkCap); }

std::optional<int64_t> staticTripCount(Operation *op) {
  if (auto loop = dyn_cast<affine::AffineForOp>(op)) {
    if (std::optional<uint64_t> trips = affine::getConstantTripCount(loop))
      return int64_t(*trips);
    return std::nullopt;
  }
  if (auto loop = dyn_cast<affine::AffineParallelOp>(op)) {
    std::optional<SmallVector<int64_t, 8>> ranges = loop.getConstantRanges();
    if (!ranges)
      return std::nullopt;
    int64_t trips = 1;
    for (auto [range, step] : llvm::zip(*ranges, loop.getSteps()))
      trips = capped(trips * std::max<int64_t>(0, (range + step - 1) / step));
    return trips;
  }
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound());
    std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!lower || !upper || !step || *step <= 0)
      return std::nullopt;
    return std::max<int64_t>(0, (*upper - *lower + *step - 1) / *step);
  }
  return std::nullopt;
}

bool isLoop(Operation *op) {
  return isa<affine::AffineForOp, affine::AffineParallelOp, scf::ForOp, scf::ParallelOp>(op);
}

// Operations one pass over `op`'s regions executes: loop bodies times trip counts.
int64_t regionWork(Operation *op);

int64_t opWork(Operation &op) {
  int64_t inner = regionWork(&op);
  if (!isLoop(&op))
    return capped(1 + inner);
  int64_t trips = staticTripCount(&op).value_or(kUnknownTrips);
  return capped(trips * (inner + 1));
}

int64_t regionWork(Operation *op) {
  int64_t total = 0;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Operation &inner : block)
        total = capped(total + opWork(inner));
  return total;
}

// A loop this pass can outline: one dimension, no results, a constant step.
std::optional<int64_t> outlinableStep(Operation *op) {
  if (auto loop = dyn_cast<affine::AffineParallelOp>(op)) {
    if (loop.getNumDims() != 1 || loop.getNumResults() != 0)
      return std::nullopt;
    return loop.getSteps()[0];
  }
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    if (!loop->hasAttr(kParallelLoopAttr) || loop.getNumResults() != 0)
      return std::nullopt;
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    if (!step || *step <= 0)
      return std::nullopt;
    return step;
  }
  return std::nullopt;
}

struct OutlineParallelLoops : impl::OutlineParallelLoopsBase<OutlineParallelLoops> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> loops;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      func.walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (!outlinableStep(op))
          return WalkResult::advance();
        std::optional<int64_t> trips = staticTripCount(op);
        // One iteration cannot be split: look inside it instead.
        if (trips && *trips < 2)
          return WalkResult::advance();
        if (opWork(*op) < minWork)
          return WalkResult::skip(); // nothing inside has more work
        loops.push_back(op);
        return WalkResult::skip();
      });
    }
    unsigned counter = 0;
    for (Operation *loop : loops)
      outline(loop, counter++);
    for (auto func : module.getOps<func::FuncOp>())
      hoistStaticAllocas(func);
  }

  // The loop's induction variable, body, and bounds computed before it.
  static void bounds(OpBuilder &b, Operation *op, Value *lower, Value *upper) {
    Location loc = op->getLoc();
    if (auto loop = dyn_cast<affine::AffineParallelOp>(op)) {
      AffineMap lowerMap = loop.getLowerBoundsMap(), upperMap = loop.getUpperBoundsMap();
      *lower = lowerMap.getNumResults() == 1
                   ? Value(affine::AffineApplyOp::create(b, loc, lowerMap,
                                                         loop.getLowerBoundsOperands()))
                   : Value(affine::AffineMaxOp::create(b, loc, b.getIndexType(), lowerMap,
                                                       loop.getLowerBoundsOperands()));
      *upper = upperMap.getNumResults() == 1
                   ? Value(affine::AffineApplyOp::create(b, loc, upperMap,
                                                         loop.getUpperBoundsOperands()))
                   : Value(affine::AffineMinOp::create(b, loc, b.getIndexType(), upperMap,
                                                       loop.getUpperBoundsOperands()));
      return;
    }
    auto loop = cast<scf::ForOp>(op);
    *lower = loop.getLowerBound();
    *upper = loop.getUpperBound();
  }

  void outline(Operation *loop, unsigned number) {
    int64_t step = *outlinableStep(loop);
    Location loc = loop->getLoc();
    Region &region = loop->getRegion(0);
    Block &body = region.front();
    Value inductionVar = body.getArgument(0);
    auto parent = loop->getParentOfType<func::FuncOp>();

    // What the body reads from outside: constants are cloned, the rest passed.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(region, used);
    SmallVector<Operation *> constants;
    SmallVector<Value> captured;
    for (Value value : used) {
      Operation *def = value.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>() && def->getNumOperands() == 0)
        constants.push_back(def);
      else
        captured.push_back(value);
    }

    // func @PARENT.omc_parallel.N(%first, %last, %lower, captured...)
    OpBuilder b(parent);
    b.setInsertionPointAfter(parent);
    SmallVector<Type> argTypes(3, b.getIndexType());
    for (Value value : captured)
      argTypes.push_back(value.getType());
    std::string name =
        (parent.getSymName() + kParallelBodyMarker + llvm::Twine(number)).str();
    auto chunk = func::FuncOp::create(b, loc, name, b.getFunctionType(argTypes, {}));
    chunk.setPrivate();
    Block *entry = chunk.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping mapping;
    for (Operation *constant : constants)
      mapping.map(constant->getResult(0), b.clone(*constant)->getResult(0));
    for (auto [value, arg] : llvm::zip(captured, entry->getArguments().drop_front(3)))
      mapping.map(value, arg);
    AffineMap symbol = b.getSymbolIdentityMap();
    auto range = affine::AffineForOp::create(b, loc, ValueRange{entry->getArgument(0)}, symbol,
                                             ValueRange{entry->getArgument(1)}, symbol);
    func::ReturnOp::create(b, loc);
    b.setInsertionPointToStart(range.getBody());
    // Iteration k is the original loop's %lower + k * step.
    AffineExpr k = b.getAffineDimExpr(0), lowerExpr = b.getAffineSymbolExpr(0);
    Value original = affine::AffineApplyOp::create(
        b, loc, AffineMap::get(1, 1, k * step + lowerExpr),
        ValueRange{range.getInductionVar(), entry->getArgument(2)});
    mapping.map(inductionVar, original);
    for (Operation &op : body.without_terminator())
      b.clone(op, mapping);

    // The loop becomes one call over all its iterations.
    b.setInsertionPoint(loop);
    Value lower, upper;
    bounds(b, loop, &lower, &upper);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value span = arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, upper, lower),
                                        zero);
    Value count = arith::CeilDivSIOp::create(b, loc, span,
                                             arith::ConstantIndexOp::create(b, loc, step));
    SmallVector<Value> args = {zero, count, lower};
    args.append(captured.begin(), captured.end());
    func::CallOp::create(b, loc, chunk, args);
    loop->erase();
  }

  // A static alloca inside a loop would take new stack in every iteration once in
  // LLVM: each moves to its function's entry. Privatized accumulators are written
  // before they are read in every iteration, and a chunk function's entry is per
  // thread, so one buffer per call suffices.
  static void hoistStaticAllocas(func::FuncOp func) {
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    SmallVector<memref::AllocaOp> allocas;
    func.walk([&](memref::AllocaOp alloca) {
      if (alloca->getBlock() != &entry && alloca->getNumOperands() == 0 &&
          !alloca->getParentOfType<memref::AllocaScopeOp>())
        allocas.push_back(alloca);
    });
    for (memref::AllocaOp alloca : allocas)
      alloca->moveBefore(&entry, entry.begin());
  }
};

} // namespace
} // namespace omc
