//===- ParallelizeAffineLoops.cpp - affine.for -> affine.parallel -------------===//
//
// Like affine-parallelize, with one relaxation that the krnl lowering needs:
// gathers and padded convolutions read through data-dependent (non-affine)
// indices (memref.load, or any op that only reads a known buffer: vector.gather), which upstream's check gives up on. A read cannot conflict with
// another read, so a non-affine load is harmless when no write in the loop
// reaches the buffer it reads; the affine accesses are checked by dependence
// analysis as upstream does. A store of a constant error code to the graph's
// status buffer (StatusBuffer.h) does not stop it either, when the loop never
// reads that buffer: every failing iteration reports an error, whichever wins. Nor
// does a memref.prefetch, a hint (a matmul kernel's, run in place inside the loop).
//
//===----------------------------------------------------------------------===//

#include "compiler/parallel/Passes.h"

#include "compiler/parallel/BufferRoot.h"
#include "compiler/parallel/StatusBuffer.h"

#include "mlir/Dialect/Affine/Analysis/AffineAnalysis.h"
#include "mlir/Dialect/Affine/Analysis/Utils.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_PARALLELIZEAFFINELOOPS
#include "compiler/parallel/Passes.h.inc"

namespace {

bool isParallel(affine::AffineForOp loop) {
  if (loop.getNumIterOperands() != 0)
    return false;
  auto isLocal = [&](Value memref) {
    Operation *def = bufferRoot(memref).getDefiningOp();
    return def && loop->isProperAncestor(def);
  };
  SmallVector<Operation *> accesses; // affine loads and stores
  SetVector<Value> writtenRoots, looseReadRoots, affineReadRoots;
  Value statusWritten;
  bool unknown = false;
  loop.getBody()->walk([&](Operation *op) {
    if (isa<affine::AffineReadOpInterface, affine::AffineWriteOpInterface>(op)) {
      accesses.push_back(op);
      if (auto store = dyn_cast<affine::AffineWriteOpInterface>(op))
        writtenRoots.insert(bufferRoot(store.getMemRef()));
      else
        affineReadRoots.insert(bufferRoot(cast<affine::AffineReadOpInterface>(op).getMemRef()));
      return;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      looseReadRoots.insert(bufferRoot(load.getMemRef()));
      return;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      Value root = bufferRoot(store.getMemRef());
      if (isStatusBuffer(root) && matchPattern(store.getValueToStore(), m_Constant()))
        statusWritten = root;
      else if (!isLocal(store.getMemRef()))
        unknown = true;
      return;
    }
    // A prefetch (a matmul kernel's) is a hint that changes no memory: it declares no
    // effects, but orders nothing either.
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() || isMemoryEffectFree(op) ||
        isa<memref::PrefetchOp>(op))
      return;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      unknown = true;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (auto &effect : list) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Read>(effect.getEffect()) ||
          (effect.getValue() && isLocal(effect.getValue())))
        continue;
      // A read of a known buffer (a vector.gather) is harmless like a non-affine load.
      if (isa<MemoryEffects::Read>(effect.getEffect()) && effect.getValue())
        looseReadRoots.insert(bufferRoot(effect.getValue()));
      else
        unknown = true;
    }
  });
  if (unknown)
    return false;
  for (Value root : looseReadRoots)
    if (writtenRoots.contains(root))
      return false;
  if (statusWritten &&
      (looseReadRoots.contains(statusWritten) || affineReadRoots.contains(statusWritten)))
    return false;

  unsigned depth = affine::getNestingDepth(loop) + 1;
  for (Operation *source : accesses) {
    if (!isa<affine::AffineWriteOpInterface>(source))
      continue;
    affine::MemRefAccess sourceAccess(source);
    if (isLocal(sourceAccess.memref))
      continue;
    for (Operation *destination : accesses) {
      affine::MemRefAccess destinationAccess(destination);
      if (destinationAccess.memref != sourceAccess.memref)
        continue;
      affine::DependenceResult result =
          affine::checkMemrefAccessDependence(sourceAccess, destinationAccess, depth);
      if (result.value != affine::DependenceResult::NoDependence)
        return false;
    }
  }
  return true;
}

struct ParallelizeAffineLoops : impl::ParallelizeAffineLoopsBase<ParallelizeAffineLoops> {
  void runOnOperation() override {
    // Outer loops first: they become the launch; inner ones are decided after.
    SmallVector<affine::AffineForOp> loops;
    getOperation().walk<WalkOrder::PreOrder>(
        [&](affine::AffineForOp loop) { loops.push_back(loop); });
    for (affine::AffineForOp loop : loops)
      if (isParallel(loop))
        (void)affine::affineParallelize(loop);
  }
};

} // namespace
} // namespace omc
