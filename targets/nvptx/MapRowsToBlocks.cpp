//===- MapRowsToBlocks.cpp - a row with reductions -> one thread block -------===//
//
// A LayerNorm, a Softmax or a ReduceSum over the last axis lowers to a parallel nest
// over rows whose body reduces each row in sequential loops (one element, a scalar
// buffer of the row or the output's, updated by one associative operation), then
// uses the results. One thread per row leaves a GPU idle when rows are few and long
// (GPT-2's LayerNorm: 128 rows of 768). Here each row becomes a thread block
// instead, in phase form (see MapBlockPhasesToGpu.cpp):
//   - a reduction loop (or nest of loops): each thread folds a strided share of the
//     iterations into a partial, the partials are combined in shared memory as a
//     tree, and one thread folds the result into the element;
//   - an inner parallel loop: each thread runs a strided share of the iterations;
//   - a store of the row's own: one thread;
//   - pure ops and loads: every thread alike.
// Only rows whose body is all of that are mapped; other nests keep one thread per
// iteration (omc-map-parallel-loops-to-gpu). A whole reduction (over every axis),
// which has no parallel loop at all, becomes one row: one block.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "compiler/parallel/BufferRoot.h"
#include "targets/nvptx/LoopNests.h"
#include "targets/nvptx/PhaseForm.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_MAPROWSTOBLOCKS
#include "targets/nvptx/Passes.h.inc"

namespace {

constexpr int64_t kMaxThreads = 256, kMinThreads = 32;
// Fewer rows than this (a constant count) map to blocks even when a block's threads
// would read elements far apart: an H200 runs over 250000 threads at once.
constexpr int64_t kFewRows = 1024;

// A loop that folds each iteration's value into one element:
// %a = load %acc[%i...]; %b = combine %a, %x; store %b, %acc[%i...], where the
// indices do not change in the loop. The element is a scalar buffer of the row
// (LayerNorm, Softmax) or one of the nest's output (ReduceMean over the last axis).
struct Reduction {
  scf::ForOp loop;                   // the innermost loop, whose body folds
  SmallVector<scf::ForOp> nest;      // the loops over the reduced axes, outermost first
  Value accumulator;
  SmallVector<Value> indices;
  memref::LoadOp load;
  memref::StoreOp store;
  Operation *combine;
};

bool isScalarBufferOf(Value buffer, Block *row) {
  auto alloca = buffer.getDefiningOp<memref::AllocaOp>();
  return alloca && alloca->getBlock() == row && alloca.getType().getRank() == 0;
}

// The value that leaves `combine`'s result unchanged, or null where the operation
// may not be regrouped (float sums and products only with reassoc).
TypedAttr identityOf(Operation *combine) {
  auto type = dyn_cast<FloatType>(combine->getResult(0).getType());
  if (!type)
    return nullptr;
  auto reassociable = [&] {
    auto flags = cast<arith::ArithFastMathInterface>(combine).getFastMathFlagsAttr();
    return flags && bitEnumContainsAll(flags.getValue(), arith::FastMathFlags::reassoc);
  };
  const llvm::fltSemantics &semantics = type.getFloatSemantics();
  if (isa<arith::AddFOp>(combine) && reassociable())
    return FloatAttr::get(type, 0.0);
  if (isa<arith::MulFOp>(combine) && reassociable())
    return FloatAttr::get(type, 1.0);
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine))
    return FloatAttr::get(type, llvm::APFloat::getInf(semantics, /*Negative=*/true));
  if (isa<arith::MinimumFOp, arith::MinNumFOp>(combine))
    return FloatAttr::get(type, llvm::APFloat::getInf(semantics, /*Negative=*/false));
  return nullptr;
}

// Whether `store` may be a reduction's: into a scalar buffer of the row, or into
// any buffer at indices the loop does not change.
bool isAccumulatorStore(memref::StoreOp store, scf::ForOp loop, Block *row) {
  if (isScalarBufferOf(store.getMemref(), row))
    return true;
  auto outside = [&](Value value) { return loop.isDefinedOutsideOfLoop(value); };
  return outside(store.getMemref()) && llvm::all_of(store.getIndices(), outside);
}

// `loop` as a Reduction, if its iterations depend on each other only through it:
// any other store writes, at the loop's index, a buffer the loop does not read.
// Into a buffer other than a scalar of the row only when every other load reads
// along its last dim by the loop's index, so that a block's threads read
// neighbouring elements (else one thread per row, which keeps that, is better),
// or when `fewRows`: then a thread per row would leave the GPU idle.
std::optional<Reduction> matchReduction(scf::ForOp loop, Block *row, bool fewRows) {
  if (loop.getNumResults() != 0)
    return std::nullopt;
  // The accumulator: the one element that the loop writes where it does not move.
  // The loop may read other scalars (an earlier reduction's result).
  memref::StoreOp accumulatorStore;
  for (Operation &op : loop.getBody()->without_terminator())
    if (auto store = dyn_cast<memref::StoreOp>(op))
      if (isAccumulatorStore(store, loop, row)) {
        if (accumulatorStore)
          return std::nullopt;
        accumulatorStore = store;
      }
  if (!accumulatorStore)
    return std::nullopt;
  Value accumulator = accumulatorStore.getMemref();
  bool inRow = isScalarBufferOf(accumulator, row);
  Value iv = loop.getInductionVar();
  std::optional<Reduction> found;
  SmallVector<memref::StoreOp> otherStores;
  SmallVector<Value> readRoots;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (op.getNumRegions() != 0)
      return std::nullopt;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (load.getMemref() != accumulator ||
          !sameIndices(load.getIndices(), accumulatorStore.getIndices())) {
        if (!inRow && !fewRows &&
            (load.getIndices().empty() || load.getIndices().back() != iv))
          return std::nullopt;
        readRoots.push_back(bufferRoot(load.getMemref()));
        continue;
      }
      if (found || !load->hasOneUse())
        return std::nullopt;
      Operation *combine = *load->getUsers().begin();
      if (combine->getBlock() != loop.getBody() || !identityOf(combine) ||
          !combine->getResult(0).hasOneUse() ||
          *combine->getUsers().begin() != accumulatorStore.getOperation() ||
          accumulatorStore.getValueToStore() != combine->getResult(0))
        return std::nullopt;
      found = Reduction{loop, {loop}, accumulator, llvm::to_vector(load.getIndices()),
                        load, accumulatorStore, combine};
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (store != accumulatorStore)
        otherStores.push_back(store);
      continue;
    }
    if (!isMemoryEffectFree(&op))
      return std::nullopt;
  }
  if (!found)
    return std::nullopt;
  // Nothing else in the loop reads or writes the accumulator's buffer.
  Value accumulatorRoot = bufferRoot(accumulator);
  if (llvm::is_contained(readRoots, accumulatorRoot))
    return std::nullopt;
  for (memref::StoreOp store : otherStores) {
    Value root = bufferRoot(store.getMemref());
    if (root == accumulatorRoot || llvm::is_contained(readRoots, root) ||
        !llvm::is_contained(store.getIndices(), iv))
      return std::nullopt;
  }
  return found;
}

// `outer` and the scf.for loops perfectly nested in it, as one Reduction over all
// their iterations (ReduceSum over the last two axes; over all of them), or nothing.
// The inner loops' bounds and the accumulator's indices must not depend on the
// nest; the innermost loop's body may store nothing else.
std::optional<Reduction> matchReductionNest(scf::ForOp outer, Block *row, bool fewRows) {
  SmallVector<scf::ForOp> nest = {outer};
  auto outside = [&](Value value) { return outer.isDefinedOutsideOfLoop(value); };
  while (true) {
    Block *body = nest.back().getBody();
    auto inner = dyn_cast<scf::ForOp>(body->front());
    if (!inner || !llvm::hasSingleElement(body->without_terminator()))
      break;
    if (inner.getNumResults() != 0 || !outside(inner.getLowerBound()) ||
        !outside(inner.getUpperBound()) || !outside(inner.getStep()))
      return std::nullopt;
    nest.push_back(inner);
  }
  std::optional<Reduction> reduction = matchReduction(nest.back(), row, fewRows);
  if (!reduction || !outside(reduction->accumulator) ||
      !llvm::all_of(reduction->indices, outside))
    return std::nullopt;
  if (nest.size() > 1)
    for (Operation &op : nest.back().getBody()->without_terminator())
      if (isa<memref::StoreOp>(op) && &op != reduction->store.getOperation())
        return std::nullopt;
  reduction->nest = nest;
  return reduction;
}

// Threads per block: the reductions' trip count rounded up to a power of two,
// within [kMinThreads, kMaxThreads]; kMaxThreads when one is not a constant.
int64_t threadsFor(ArrayRef<Reduction> reductions) {
  int64_t longest = 0;
  for (const Reduction &reduction : reductions) {
    NestDims dims = dimsOf(reduction.nest);
    std::optional<int64_t> trips =
        constantIterationCount(dims.lowerBounds, dims.upperBounds, dims.steps);
    if (!trips)
      return kMaxThreads;
    longest = std::max(longest, *trips);
  }
  int64_t threads = kMinThreads;
  while (threads < longest && threads < kMaxThreads)
    threads *= 2;
  return threads;
}

// The ops of a row, checked: reductions found, and nothing that this mapping
// cannot place.
std::optional<SmallVector<Reduction>> planRow(Block *row, bool fewRows) {
  SmallVector<Reduction> reductions;
  for (Operation &op : row->without_terminator()) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      std::optional<Reduction> reduction = matchReductionNest(loop, row, fewRows);
      if (!reduction)
        return std::nullopt;
      reductions.push_back(*reduction);
      continue;
    }
    if (auto inner = dyn_cast<scf::ParallelOp>(op)) {
      // Spread over the threads as one loop: a perfect nest, with no parallel
      // loop below it.
      Block *body = perfectlyNestedParallels(inner).back().getBody();
      auto nestedParallel = [](scf::ParallelOp) { return WalkResult::interrupt(); };
      if (!inner.getInitVals().empty() || body->walk(nestedParallel).wasInterrupted())
        return std::nullopt;
      continue;
    }
    if (isa<memref::AllocaOp>(op)) {
      if (!isScalarBufferOf(cast<memref::AllocaOp>(op), row))
        return std::nullopt;
      continue;
    }
    if (isa<memref::StoreOp, memref::LoadOp>(op) ||
        (isMemoryEffectFree(&op) && op.getNumRegions() == 0))
      continue;
    return std::nullopt;
  }
  if (reductions.empty())
    return std::nullopt;
  return reductions;
}

class RowMapper {
public:
  RowMapper(OpBuilder &builder, Location loc, int64_t threads)
      : builder(builder), loc(loc), threads(threads) {}

  // One phase over `count` threads; `body` gets the thread.
  void phase(int64_t count, function_ref<void(Value thread)> body) {
    createThreadPhase(builder, loc, count, body);
  }

  // for (i = lb + thread * step; i < ub; i += threads * step) body(i), with `carried`.
  scf::ForOp stridedLoop(Value thread, Value lb, Value ub, Value step, ValueRange carried) {
    Value start = arith::AddIOp::create(builder, loc, lb,
                                        arith::MulIOp::create(builder, loc, thread, step));
    Value stride = arith::MulIOp::create(builder, loc, step, index(threads));
    return scf::ForOp::create(builder, loc, start, ub, stride, carried);
  }

  // A loop over `thread`'s share of the iterations of dims given by their (mapped)
  // bounds, numbered with the last dim fastest; `ivs`, the dims' induction vars, are
  // mapped in `inner` to each iteration's values, computed first in the loop's body.
  scf::ForOp strideOver(Value thread, ArrayRef<Value> lbs, ArrayRef<Value> ubs,
                        ArrayRef<Value> steps, ValueRange ivs, ValueRange carried,
                        IRMapping &inner) {
    if (ivs.size() == 1) {
      scf::ForOp share = stridedLoop(thread, lbs[0], ubs[0], steps[0], carried);
      inner.map(ivs[0], share.getInductionVar());
      return share;
    }
    SmallVector<Value> tripCounts;
    Value total = iterationCount(builder, loc, lbs, ubs, steps, tripCounts);
    scf::ForOp share = stridedLoop(thread, index(0), total, index(1), carried);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(share.getBody());
    mapDelinearized(builder, loc, share.getInductionVar(), tripCounts, lbs, steps, ivs, inner);
    return share;
  }

  void reduce(Reduction reduction, IRMapping &mapping, Value partials) {
    scf::ForOp loop = reduction.loop;
    Value accumulator = mapping.lookupOrDefault(reduction.accumulator);
    SmallVector<Value> indices = llvm::map_to_vector(
        reduction.indices, [&](Value index) { return mapping.lookupOrDefault(index); });
    TypedAttr identity = identityOf(reduction.combine);
    NestDims dims = dimsOf(reduction.nest);
    auto bound = [&](Value value) { return mapping.lookupOrDefault(value); };
    SmallVector<Value> lbs = llvm::map_to_vector(dims.lowerBounds, bound);
    SmallVector<Value> ubs = llvm::map_to_vector(dims.upperBounds, bound);
    SmallVector<Value> steps = llvm::map_to_vector(dims.steps, bound);
    // Each thread's partial over its share.
    phase(threads, [&](Value thread) {
      Value start = arith::ConstantOp::create(builder, loc, identity);
      IRMapping inner = mapping;
      scf::ForOp share =
          strideOver(thread, lbs, ubs, steps, dims.inductionVars, ValueRange{start}, inner);
      {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToEnd(share.getBody());
        inner.map(reduction.load.getResult(), share.getRegionIterArgs()[0]);
        for (Operation &op : loop.getBody()->without_terminator())
          if (&op != reduction.load && &op != reduction.store)
            builder.clone(op, inner);
        scf::YieldOp::create(builder, loc,
                             inner.lookup(reduction.combine->getResult(0)));
      }
      memref::StoreOp::create(builder, loc, share.getResult(0), partials, thread);
    });
    // The partials halved in each step, the upper half folded into the lower.
    for (int64_t half = threads / 2; half >= 1; half /= 2)
      phase(half, [&](Value thread) {
        Value upper = arith::AddIOp::create(builder, loc, thread, index(half));
        Value a = memref::LoadOp::create(builder, loc, partials, thread);
        Value b = memref::LoadOp::create(builder, loc, partials, upper);
        memref::StoreOp::create(builder, loc, combine(reduction, a, b), partials, thread);
      });
    // Into the scalar buffer, as the loop would have left it.
    phase(1, [&](Value) {
      Value total = memref::LoadOp::create(builder, loc, partials, index(0));
      Value before = memref::LoadOp::create(builder, loc, accumulator, indices);
      memref::StoreOp::create(builder, loc, combine(reduction, before, total), accumulator,
                              indices);
    });
  }

  void spread(scf::ParallelOp inner, IRMapping &mapping) {
    SmallVector<scf::ParallelOp> nest = perfectlyNestedParallels(inner);
    NestDims dims = dimsOf(nest);
    auto bound = [&](Value value) { return mapping.lookupOrDefault(value); };
    SmallVector<Value> lbs = llvm::map_to_vector(dims.lowerBounds, bound);
    SmallVector<Value> ubs = llvm::map_to_vector(dims.upperBounds, bound);
    SmallVector<Value> steps = llvm::map_to_vector(dims.steps, bound);
    phase(threads, [&](Value thread) {
      IRMapping body = mapping;
      scf::ForOp share =
          strideOver(thread, lbs, ubs, steps, dims.inductionVars, ValueRange(), body);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(share.getBody()->getTerminator());
      for (Operation &op : nest.back().getBody()->without_terminator())
        builder.clone(op, body);
    });
  }

  void byOneThread(Operation *op, IRMapping &mapping) {
    phase(1, [&](Value) { builder.clone(*op, mapping); });
  }

private:
  Value index(int64_t value) { return arith::ConstantIndexOp::create(builder, loc, value); }

  // The reduction's operation on `a` and `b`, with its flags.
  Value combine(Reduction &reduction, Value a, Value b) {
    IRMapping operands;
    operands.map(reduction.combine->getOperand(0), a);
    operands.map(reduction.combine->getOperand(1), b);
    return builder.clone(*reduction.combine, operands)->getResult(0);
  }

  OpBuilder &builder;
  Location loc;
  int64_t threads;
};

// `root` and its perfectly nested parallel loops, or nothing; the last one's body
// is the row.
std::optional<SmallVector<scf::ParallelOp>> rowNest(scf::ParallelOp root) {
  if (!root.getInitVals().empty())
    return std::nullopt;
  return perfectlyNestedParallels(root);
}

void mapRows(ArrayRef<scf::ParallelOp> nest, ArrayRef<Reduction> reductions) {
  scf::ParallelOp root = nest.front(), innermost = nest.back();
  Block *row = innermost.getBody();
  OpBuilder builder(root);
  Location loc = root.getLoc();
  NestDims dims = dimsOf(nest);
  int64_t threads = threadsFor(reductions);
  // The rows, numbered with the last dim fastest, on grid x alone: its limit is
  // 2^31 - 1 blocks where y and z stop at 65535.
  SmallVector<Value> tripCounts;
  Value rows =
      iterationCount(builder, loc, dims.lowerBounds, dims.upperBounds, dims.steps, tripCounts);
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);

  auto blocks = scf::ParallelOp::create(
      builder, loc, zero, rows, one, [&](OpBuilder &inner, Location, ValueRange blockIvs) {
        OpBuilder body(inner.getContext());
        body.setInsertionPoint(inner.getInsertionBlock(), inner.getInsertionPoint());
        IRMapping mapping;
        mapDelinearized(body, loc, blockIvs.front(), tripCounts, dims.lowerBounds, dims.steps,
                        dims.inductionVars, mapping);
        // The buffers first, at the top of the block's body (MapBlockPhasesToGpu):
        // each reduction's partials, and the row's scalars.
        SmallVector<Value> partials;
        for (const Reduction &reduction : reductions) {
          Type type = reduction.combine->getResult(0).getType();
          partials.push_back(
              memref::AllocaOp::create(body, loc, MemRefType::get({threads}, type)));
        }
        for (Operation &op : row->without_terminator())
          if (isa<memref::AllocaOp>(op))
            body.clone(op, mapping);
        // The row's scf.for ops are its reductions, in order (planRow).
        RowMapper mapper(body, loc, threads);
        size_t next = 0;
        for (Operation &op : row->without_terminator()) {
          if (isa<memref::AllocaOp>(op))
            continue;
          if (isa<scf::ForOp>(op)) {
            mapper.reduce(reductions[next], mapping, partials[next]);
            ++next;
          } else if (auto inner = dyn_cast<scf::ParallelOp>(op)) {
            mapper.spread(inner, mapping);
          } else if (isa<memref::StoreOp>(op)) {
            mapper.byOneThread(&op, mapping);
          } else {
            body.clone(op, mapping);
          }
        }
      });
  mapLoopTo(blocks, {gpu::Processor::BlockX});
  root.erase();
}

// Whether a nest has a constant number of rows below kFewRows, too few to keep a
// GPU busy with a thread each.
bool hasFewRows(ArrayRef<scf::ParallelOp> nest) {
  NestDims dims = dimsOf(nest);
  std::optional<int64_t> rows =
      constantIterationCount(dims.lowerBounds, dims.upperBounds, dims.steps);
  return rows && *rows < kFewRows;
}

// A whole reduction (ReduceMean over every axis): a sequential nest outside any
// parallel loop, which would run on the host. In a parallel loop of one iteration,
// it is a row of its own: one block.
void mapWholeReduction(scf::ForOp outer, Reduction reduction) {
  OpBuilder builder(outer);
  Location loc = outer.getLoc();
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  auto wrapper = scf::ParallelOp::create(builder, loc, zero, one, one);
  outer->moveBefore(wrapper.getBody()->getTerminator());
  mapRows({wrapper}, {reduction});
}

struct MapRowsToBlocks : impl::MapRowsToBlocksBase<MapRowsToBlocks> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> roots;
    SmallVector<scf::ForOp> sequentialRoots;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        if (!loop->hasAttr(gpu::getMappingAttrName()))
          roots.push_back(loop);
        return WalkResult::skip();
      }
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        sequentialRoots.push_back(loop);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    for (scf::ParallelOp root : roots) {
      std::optional<SmallVector<scf::ParallelOp>> nest = rowNest(root);
      if (!nest)
        continue;
      std::optional<SmallVector<Reduction>> reductions =
          planRow(nest->back().getBody(), hasFewRows(*nest));
      if (reductions)
        mapRows(*nest, *reductions);
    }
    for (scf::ForOp root : sequentialRoots)
      if (std::optional<Reduction> reduction =
              matchReductionNest(root, root->getBlock(), /*fewRows=*/true))
        mapWholeReduction(root, *reduction);
  }
};

} // namespace
} // namespace omc::nvptx
