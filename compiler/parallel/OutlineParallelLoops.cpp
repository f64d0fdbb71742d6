//===- OutlineParallelLoops.cpp - parallel loops -> chunk functions ------------===//
//
// A loop with independent iterations becomes a call of a function that runs a
// sub-range of its iterations, so that omc-bind-parallel-calls can hand that
// function to the runtime's thread pool. Only the outermost parallel loop of a nest
// is taken, and only when it has enough work to pay for waking threads.
//
// A loop of few (or unknown) iterations may leave threads idle: GPT-2's attention runs
// over [batch, heads, rows], the batch dynamic and 1 at run time. So the perfectly
// nested parallel loops inside it, while each iteration of theirs has work enough to
// hide a delinearization, join it as one range over all their iterations.
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

// A loop of at least this many iterations splits well enough over the threads alone.
constexpr int64_t kWellSplitTrips = 16;
// Operations one iteration must run for its loop to join the range of the loop above.
constexpr int64_t kJoinedIterationWork = 256;

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

// The body's one operation besides its terminator, if it has just one.
Operation *soleOperation(Operation *loop) {
  Block &body = loop->getRegion(0).front();
  if (body.getOperations().size() != 2)
    return nullptr;
  return &body.front();
}

// `outer` and the parallel loops perfectly nested in it that join its range (see the
// file comment): each inner one's bounds are set outside `outer`.
SmallVector<Operation *> nestToOutline(Operation *outer) {
  SmallVector<Operation *> nest{outer};
  while (true) {
    std::optional<int64_t> trips = staticTripCount(nest.back());
    if (trips && *trips >= kWellSplitTrips)
      break;
    Operation *inner = soleOperation(nest.back());
    if (!inner || !outlinableStep(inner) || regionWork(inner) < kJoinedIterationWork)
      break;
    if (llvm::any_of(inner->getOperands(), [&](Value bound) {
          return outer->isAncestor(bound.getParentRegion()->getParentOp());
        }))
      break;
    nest.push_back(inner);
  }
  return nest;
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
    SmallVector<Operation *> nest = nestToOutline(loop);
    Location loc = loop->getLoc();
    Region &region = loop->getRegion(0);
    Block &body = nest.back()->getRegion(0).front();
    auto parent = loop->getParentOfType<func::FuncOp>();

    // What the nest reads from outside: constants are cloned, the rest passed.
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

    // Each loop's lower bound and iteration count, computed before the nest.
    OpBuilder b(loop);
    SmallVector<Value> lowers, counts;
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    for (Operation *op : nest) {
      Value lower, upper;
      bounds(b, op, &lower, &upper);
      Value span = arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, upper, lower),
                                          zero);
      lowers.push_back(lower);
      counts.push_back(arith::CeilDivSIOp::create(
          b, loc, span, arith::ConstantIndexOp::create(b, loc, *outlinableStep(op))));
    }
    Value total = counts.front();
    for (Value count : ArrayRef<Value>(counts).drop_front())
      total = arith::MulIOp::create(b, loc, total, count);

    // func @PARENT.omc_parallel.N(%first, %last, lowers..., inner counts..., captured...)
    // over the nest's iterations [first, last), in row-major order.
    size_t depth = nest.size(), leading = 2 + 2 * depth - 1;
    b.setInsertionPointAfter(parent);
    SmallVector<Type> argTypes(leading, b.getIndexType());
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
    for (auto [value, arg] : llvm::zip(captured, entry->getArguments().drop_front(leading)))
      mapping.map(value, arg);
    AffineMap symbol = b.getSymbolIdentityMap();
    auto range = affine::AffineForOp::create(b, loc, ValueRange{entry->getArgument(0)}, symbol,
                                             ValueRange{entry->getArgument(1)}, symbol);
    func::ReturnOp::create(b, loc);
    b.setInsertionPointToStart(range.getBody());
    ValueRange chunkLowers = entry->getArguments().slice(2, depth);
    ValueRange innerCounts = entry->getArguments().slice(2 + depth, depth - 1);
    SmallVector<Value> positions{range.getInductionVar()};
    if (depth > 1) {
      // Counts known at compile time divide as constants.
      SmallVector<OpFoldResult> basis;
      for (auto [op, count] : llvm::zip(ArrayRef<Operation *>(nest).drop_front(), innerCounts)) {
        std::optional<int64_t> trips = staticTripCount(op);
        basis.push_back(trips ? OpFoldResult(b.getIndexAttr(*trips)) : OpFoldResult(count));
      }
      auto split = affine::AffineDelinearizeIndexOp::create(
          b, loc, range.getInductionVar(), basis, /*hasOuterBound=*/false);
      positions.assign(split.getResults().begin(), split.getResults().end());
    }
    // Iteration k of a loop is its %lower + k * step.
    AffineExpr k = b.getAffineDimExpr(0), lowerExpr = b.getAffineSymbolExpr(0);
    for (auto [op, position, lower] : llvm::zip(nest, positions, chunkLowers)) {
      Value original = affine::AffineApplyOp::create(
          b, loc, AffineMap::get(1, 1, k * *outlinableStep(op) + lowerExpr),
          ValueRange{position, lower});
      mapping.map(op->getRegion(0).front().getArgument(0), original);
    }
    for (Operation &op : body.without_terminator())
      b.clone(op, mapping);

    // The nest becomes one call over all its iterations.
    b.setInsertionPoint(loop);
    SmallVector<Value> args = {zero, total};
    args.append(lowers.begin(), lowers.end());
    args.append(counts.begin() + 1, counts.end());
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
