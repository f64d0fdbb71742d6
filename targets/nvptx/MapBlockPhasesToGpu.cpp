//===- MapBlockPhasesToGpu.cpp - phase form -> gpu.launch with barriers -------===//
//
// Phase form (made by omc-tile-matmuls-for-gpu): an scf.parallel mapped to blocks
// whose body computes values every thread can compute alike, allocates the block's
// buffers, and runs phases: 1-d scf.parallel loops mapped to thread_x, directly or
// inside scf.for loops. On a CPU it runs sequentially, one phase after the other.
// On the GPU all threads of a block run each phase together, so each phase ends
// in a barrier; the block's buffers are shared memory, except one indexed first by
// the thread wherever it is used, which is each thread's own (private memory, which
// LLVM keeps in registers once the indices are constants).
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "targets/nvptx/LoopNests.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_MAPBLOCKPHASESTOGPU
#include "targets/nvptx/Passes.h.inc"

namespace {

constexpr int64_t kMaxThreadsPerBlock = 1024;

SmallVector<gpu::Processor> processorsOf(scf::ParallelOp loop) {
  SmallVector<gpu::Processor> processors;
  auto mapping = loop->getAttrOfType<ArrayAttr>(gpu::getMappingAttrName());
  if (!mapping)
    return processors;
  for (Attribute attribute : mapping) {
    auto dim = dyn_cast<gpu::ParallelLoopDimMappingAttr>(attribute);
    if (!dim)
      return {};
    processors.push_back(dim.getProcessor());
  }
  return processors;
}

bool isBlockDim(gpu::Processor processor) {
  return processor == gpu::Processor::BlockX || processor == gpu::Processor::BlockY ||
         processor == gpu::Processor::BlockZ;
}

bool isBlockLoop(scf::ParallelOp loop) {
  SmallVector<gpu::Processor> processors = processorsOf(loop);
  return !processors.empty() && llvm::all_of(processors, isBlockDim);
}

bool isPhase(Operation *op) {
  auto loop = dyn_cast<scf::ParallelOp>(op);
  return loop && processorsOf(loop) == SmallVector<gpu::Processor>{gpu::Processor::ThreadX};
}

// A phase's bounds, which must be constants.
struct PhaseBounds {
  int64_t lower, upper, step;
  int64_t trips() const { return upper > lower ? (upper - lower + step - 1) / step : 0; }
};

std::optional<PhaseBounds> boundsOf(scf::ParallelOp phase) {
  std::optional<int64_t> lower = getConstantIntValue(phase.getLowerBound()[0]);
  std::optional<int64_t> upper = getConstantIntValue(phase.getUpperBound()[0]);
  std::optional<int64_t> step = getConstantIntValue(phase.getStep()[0]);
  if (!lower || !upper || !step || *step <= 0)
    return std::nullopt;
  return PhaseBounds{*lower, *upper, *step};
}

// The memref operand and indices of a load or store, or nothing for other users.
std::optional<std::pair<Value, OperandRange>> accessOf(Operation *op) {
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return std::make_pair(load.getMemref(), load.getIndices());
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return std::make_pair(store.getMemref(), store.getIndices());
  return std::nullopt;
}

// Whether every use of `buffer` is a load or store in a phase at that phase's thread.
bool isPerThread(Value buffer) {
  return llvm::all_of(buffer.getUsers(), [&](Operation *user) {
    auto access = accessOf(user);
    auto phase = user->getParentOfType<scf::ParallelOp>();
    return access && access->first == buffer && !access->second.empty() && phase &&
           isPhase(phase) && access->second[0] == phase.getInductionVars()[0];
  });
}

// What the launch needs to know of a block loop, checked.
struct BlockPlan {
  SmallVector<memref::AllocaOp> shared, perThread;
  int64_t threads = 1;
  // Whether every thread loads memory outside the phases.
  bool readsOutsidePhases = false;
};

FailureOr<BlockPlan> planBlock(scf::ParallelOp blocks) {
  BlockPlan plan;
  if (!blocks.getInitVals().empty() || blocks.getNumLoops() > 3)
    return blocks.emitError("nvptx: a block loop with reductions or more than 3 dims");
  for (Operation &op : blocks.getBody()->without_terminator())
    if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
      if (!alloca.getType().hasStaticShape() || !alloca.getType().getLayout().isIdentity())
        return alloca.emitError("nvptx: a block's buffer needs a static shape");
      (isPerThread(alloca) ? plan.perThread : plan.shared).push_back(alloca);
      for (Operation *user : alloca->getUsers())
        if (!accessOf(user))
          return user->emitError("nvptx: a block's buffer is used other than by loads and stores");
    }

  // The phases first, wherever they are, so that one in the wrong place is named
  // as such.
  SmallVector<scf::ParallelOp> phases;
  blocks.getBody()->walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
    if (!isPhase(loop))
      return WalkResult::advance();
    phases.push_back(loop);
    return WalkResult::skip();
  });
  for (scf::ParallelOp phase : phases) {
    std::optional<PhaseBounds> bounds = boundsOf(phase);
    if (!bounds || bounds->trips() > kMaxThreadsPerBlock || !phase.getInitVals().empty())
      return phase.emitError("nvptx: a thread phase needs constant bounds, at most ")
             << kMaxThreadsPerBlock << " iterations and no reductions";
    // Every thread must reach the barrier: only uniform loops may enclose a phase.
    for (Operation *parent = phase->getParentOp(); parent != blocks;
         parent = parent->getParentOp())
      if (!isa<scf::ForOp>(parent))
        return phase.emitError("nvptx: a thread phase inside ") << parent->getName();
    bool nested = false;
    phase.getBody()->walk([&](scf::ParallelOp) { nested = true; });
    if (nested)
      return phase.emitError("nvptx: a parallel loop inside a thread phase");
    plan.threads = std::max(plan.threads, bounds->trips());
  }

  // What runs outside the phases runs on every thread alike.
  WalkResult walk = blocks.getBody()->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (isPhase(op))
      return WalkResult::skip();
    if (isa<memref::AllocaOp>(op) && op->getParentOp() == blocks)
      return WalkResult::advance();
    if (isa<scf::ForOp, scf::YieldOp, scf::ReduceOp>(op) ||
        (isMemoryEffectFree(op) && op->getNumRegions() == 0))
      return WalkResult::advance();
    if (isa<memref::LoadOp>(op)) {
      plan.readsOutsidePhases = true;
      return WalkResult::advance();
    }
    op->emitError("nvptx: ") << op->getName()
                             << " runs outside the block's thread phases but is neither "
                                "pure nor a load";
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return failure();
  return plan;
}

MemRefType inSpace(MemRefType type, gpu::AddressSpace space, bool dropFirstDim) {
  ArrayRef<int64_t> shape = type.getShape();
  return MemRefType::get(dropFirstDim ? shape.drop_front() : shape, type.getElementType(),
                         MemRefLayoutAttrInterface(),
                         gpu::AddressSpaceAttr::get(type.getContext(), space));
}

Value blockIdOf(gpu::LaunchOp launch, gpu::Processor processor) {
  gpu::KernelDim3 ids = launch.getBlockIds();
  return processor == gpu::Processor::BlockX   ? ids.x
         : processor == gpu::Processor::BlockY ? ids.y
                                               : ids.z;
}

// The phase's body, run by the threads below its trip count, then a barrier
// unless nothing follows in the kernel; first a barrier too, where threads read
// outside the phases what this one may write.
void lowerPhase(scf::ParallelOp phase, gpu::LaunchOp launch, int64_t threads,
                bool barrierBefore) {
  OpBuilder builder(phase);
  Location loc = phase.getLoc();
  if (barrierBefore)
    gpu::BarrierOp::create(builder, loc);
  PhaseBounds bounds = *boundsOf(phase);
  Value thread = launch.getThreadIds().x;
  Value iv = thread;
  if (bounds.step != 1)
    iv = arith::MulIOp::create(builder, loc, iv,
                               arith::ConstantIndexOp::create(builder, loc, bounds.step));
  if (bounds.lower != 0)
    iv = arith::AddIOp::create(builder, loc, iv,
                               arith::ConstantIndexOp::create(builder, loc, bounds.lower));
  Block *target = phase->getBlock();
  Block::iterator at = phase->getIterator();
  if (bounds.trips() < threads) {
    Value inPhase = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, thread,
        arith::ConstantIndexOp::create(builder, loc, bounds.trips()));
    auto guard = scf::IfOp::create(builder, loc, inPhase, /*withElseRegion=*/false);
    target = guard.thenBlock();
    at = guard.thenBlock()->getTerminator()->getIterator();
  }
  Block *body = phase.getBody();
  body->getArgument(0).replaceAllUsesWith(iv);
  body->getTerminator()->erase();
  target->getOperations().splice(at, body->getOperations());

  bool last = phase->getBlock() == &launch.getBody().front() &&
              isa<gpu::TerminatorOp>(phase->getNextNode());
  if (!last) {
    builder.setInsertionPointAfter(phase);
    gpu::BarrierOp::create(builder, loc);
  }
  phase.erase();
}

void mapBlockLoop(scf::ParallelOp blocks, BlockPlan &plan, StringRef kernelName) {
  OpBuilder builder(blocks);
  Location loc = blocks.getLoc();
  MLIRContext *context = blocks.getContext();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, value);
  };
  Value one = constant(1);

  // The grid: each block dim's trip count.
  SmallVector<gpu::Processor> processors = processorsOf(blocks);
  SmallVector<Value> tripCounts;
  Value total = iterationCount(builder, loc, blocks.getLowerBound(), blocks.getUpperBound(),
                               blocks.getStep(), tripCounts);
  Value grid[3] = {one, one, one};
  for (auto [trips, processor] : llvm::zip(tripCounts, processors))
    grid[static_cast<int>(processor) - static_cast<int>(gpu::Processor::BlockX)] = trips;
  enterIfAnyIteration(builder, loc, total);

  SmallVector<Type> sharedTypes, perThreadTypes;
  for (memref::AllocaOp alloca : plan.shared)
    sharedTypes.push_back(inSpace(alloca.getType(), gpu::AddressSpace::Workgroup, false));
  for (memref::AllocaOp alloca : plan.perThread)
    perThreadTypes.push_back(inSpace(alloca.getType(), gpu::AddressSpace::Private, true));
  auto launch = gpu::LaunchOp::create(
      builder, loc, grid[0], grid[1], grid[2], constant(plan.threads), one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, sharedTypes, perThreadTypes, nullptr, nullptr, nullptr,
      FlatSymbolRefAttr::get(context, kKernelModuleName),
      FlatSymbolRefAttr::get(context, kernelName));

  builder.setInsertionPointToStart(&launch.getBody().front());
  IRMapping mapping;
  for (auto [lb, step, iv, processor] : llvm::zip(
           blocks.getLowerBound(), blocks.getStep(), blocks.getInductionVars(), processors)) {
    Value scaled = arith::MulIOp::create(builder, loc, blockIdOf(launch, processor), step);
    mapping.map(iv, arith::AddIOp::create(builder, loc, lb, scaled));
  }
  for (auto [alloca, attribution] : llvm::zip(plan.shared, launch.getWorkgroupAttributions()))
    mapping.map(alloca.getResult(), attribution);
  for (auto [alloca, attribution] : llvm::zip(plan.perThread, launch.getPrivateAttributions()))
    mapping.map(alloca.getResult(), attribution);
  for (Operation &op : blocks.getBody()->without_terminator())
    if (!isa<memref::AllocaOp>(op))
      builder.clone(op, mapping);
  gpu::TerminatorOp::create(builder, loc);

  // A thread's own buffer loses the thread index.
  for (BlockArgument attribution : launch.getPrivateAttributions())
    for (Operation *user : attribution.getUsers()) {
      if (auto load = dyn_cast<memref::LoadOp>(user))
        load.getIndicesMutable().erase(0);
      else
        cast<memref::StoreOp>(user).getIndicesMutable().erase(0);
    }

  SmallVector<scf::ParallelOp> phases;
  launch.getBody().walk([&](scf::ParallelOp loop) {
    if (isPhase(loop))
      phases.push_back(loop);
  });
  for (scf::ParallelOp phase : phases)
    lowerPhase(phase, launch, plan.threads, plan.readsOutsidePhases);
  blocks.erase();
}

struct MapBlockPhasesToGpu : impl::MapBlockPhasesToGpuBase<MapBlockPhasesToGpu> {
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registerNvptxDialects(registry);
  }

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> roots;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      auto loop = dyn_cast<scf::ParallelOp>(op);
      if (loop && isBlockLoop(loop))
        roots.push_back(loop);
      return loop ? WalkResult::skip() : WalkResult::advance();
    });
    for (auto [index, root] : llvm::enumerate(roots)) {
      FailureOr<BlockPlan> plan = planBlock(root);
      if (failed(plan))
        return signalPassFailure();
      mapBlockLoop(root, *plan,
                   (getOperation().getName() + "_blocks_kernel_" + llvm::Twine(index)).str());
    }
  }
};

} // namespace
} // namespace omc::nvptx
