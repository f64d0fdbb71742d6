//===- HoistParallelLoops.cpp - a parallel loop out of a sequential one ------===//
//
// A ReduceMax over a middle axis lowers to a parallel loop over the outer axis
// holding a sequential loop over the reduced one, which holds a parallel loop over
// the inner axis. Mapped as it stands, a GPU thread per outer index runs both inner
// loops (8 threads for 8x4000x16). With the parallel loop outside the sequential
// one, the nest is perfectly parallel: a thread per output element, neighbouring
// threads reading neighbouring elements.
//
// Swapping is sound when each parallel iteration owns every element the body
// writes: all accesses to a buffer the body writes use one index list, in which
// each of the parallel loop's indices appears. Then no iteration reads what
// another wrote, whatever the sequential loop's order.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "compiler/parallel/BufferRoot.h"
#include "targets/nvptx/LoopNests.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_HOISTPARALLELLOOPS
#include "targets/nvptx/Passes.h.inc"

namespace {

// Whether each iteration of `parallel` owns the elements its body writes (see top).
// Accesses to a written buffer must also go through one memref: through two views,
// the same indices may name different elements.
bool iterationsOwnWhatTheyWrite(scf::ParallelOp parallel) {
  struct Access {
    Value memref;
    ValueRange indices;
  };
  DenseMap<Value, SmallVector<Access>> accessesByRoot;
  SmallVector<Value> writtenRoots;
  for (Operation &op : parallel.getBody()->without_terminator()) {
    if (op.getNumRegions() != 0)
      return false;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      accessesByRoot[bufferRoot(load.getMemref())].push_back(
          {load.getMemref(), load.getIndices()});
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      Value root = bufferRoot(store.getMemref());
      accessesByRoot[root].push_back({store.getMemref(), store.getIndices()});
      writtenRoots.push_back(root);
    } else if (!isMemoryEffectFree(&op)) {
      return false;
    }
  }
  for (Value root : writtenRoots) {
    ArrayRef<Access> accesses = accessesByRoot[root];
    const Access &first = accesses.front();
    for (const Access &access : accesses)
      if (access.memref != first.memref || !sameIndices(access.indices, first.indices))
        return false;
    for (Value iv : parallel.getInductionVars())
      if (!llvm::is_contained(first.indices, iv))
        return false;
  }
  return true;
}

// `loop`'s body as one scf.parallel that may move outside it, or null.
scf::ParallelOp hoistableParallel(scf::ForOp loop) {
  if (loop.getNumResults() != 0 || !llvm::hasSingleElement(loop.getBody()->without_terminator()))
    return nullptr;
  auto parallel = dyn_cast<scf::ParallelOp>(loop.getBody()->front());
  if (!parallel || !parallel.getInitVals().empty())
    return nullptr;
  auto outside = [&](Value value) { return loop.isDefinedOutsideOfLoop(value); };
  if (!llvm::all_of(parallel.getLowerBound(), outside) ||
      !llvm::all_of(parallel.getUpperBound(), outside) ||
      !llvm::all_of(parallel.getStep(), outside) || !iterationsOwnWhatTheyWrite(parallel))
    return nullptr;
  return parallel;
}

void hoist(scf::ForOp loop, scf::ParallelOp parallel) {
  OpBuilder builder(loop);
  Location loc = loop.getLoc();
  scf::ParallelOp::create(
      builder, loc, parallel.getLowerBound(), parallel.getUpperBound(), parallel.getStep(),
      [&](OpBuilder &outer, Location, ValueRange ivs) {
        scf::ForOp::create(
            outer, loc, loop.getLowerBound(), loop.getUpperBound(), loop.getStep(),
            ValueRange(), [&](OpBuilder &inner, Location, Value iv, ValueRange) {
              IRMapping mapping;
              mapping.map(parallel.getInductionVars(), ivs);
              mapping.map(loop.getInductionVar(), iv);
              for (Operation &op : parallel.getBody()->without_terminator())
                inner.clone(op, mapping);
              scf::YieldOp::create(inner, loc);
            });
      });
  loop.erase();
}

struct HoistParallelLoops : impl::HoistParallelLoopsBase<HoistParallelLoops> {
  void runOnOperation() override {
    // Collected first: hoisting erases loops and creates others.
    SmallVector<scf::ForOp> loops;
    getOperation().walk<WalkOrder::PostOrder>([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      if (scf::ParallelOp parallel = hoistableParallel(loop))
        hoist(loop, parallel);
  }
};

} // namespace
} // namespace omc::nvptx
