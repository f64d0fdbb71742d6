//===- PrivatizeScalarBuffers.cpp - accumulators into their loop bodies -------===//

#include "compiler/parallel/Passes.h"

using namespace mlir;

namespace omc {

#define GEN_PASS_DEF_PRIVATIZESCALARBUFFERS
#include "compiler/parallel/Passes.h.inc"

namespace {

// The innermost affine.for that contains every use of `value`, or null.
affine::AffineForOp commonLoop(Value value) {
  affine::AffineForOp common;
  bool first = true;
  for (Operation *user : value.getUsers()) {
    auto loop = user->getParentOfType<affine::AffineForOp>();
    if (first) {
      common = loop;
      first = false;
      continue;
    }
    while (common && !common->isAncestor(user))
      common = common->getParentOfType<affine::AffineForOp>();
  }
  return common;
}

// True when the first op of `body` (in order, nested ops included) that touches
// `buffer` is a whole-buffer store directly in `body`: each iteration then starts
// from a value it wrote itself.
bool isWrittenFirst(Block &body, Value buffer) {
  for (Operation &op : body) {
    bool touches = false;
    op.walk([&](Operation *inner) {
      if (llvm::is_contained(inner->getOperands(), buffer))
        touches = true;
    });
    if (!touches)
      continue;
    auto store = dyn_cast<affine::AffineStoreOp>(op);
    return store && store.getMemRef() == buffer;
  }
  return false;
}

struct PrivatizeScalarBuffers : impl::PrivatizeScalarBuffersBase<PrivatizeScalarBuffers> {
  void runOnOperation() override {
    SmallVector<memref::AllocaOp> allocas;
    getOperation().walk([&](memref::AllocaOp alloca) { allocas.push_back(alloca); });
    for (memref::AllocaOp alloca : allocas) {
      MemRefType type = alloca.getType();
      // One element: a single store then writes all of it.
      if (!type.hasStaticShape() || type.getNumElements() != 1 ||
          alloca.getResult().use_empty())
        continue;
      // Only loads and stores: a view or a call could keep the buffer alive.
      if (!llvm::all_of(alloca->getUsers(), [](Operation *user) {
            return isa<affine::AffineLoadOp, affine::AffineStoreOp>(user);
          }))
        continue;
      affine::AffineForOp loop = commonLoop(alloca.getResult());
      if (!loop || loop->isAncestor(alloca))
        continue;
      Block &body = *loop.getBody();
      if (!isWrittenFirst(body, alloca.getResult()))
        continue;
      alloca->moveBefore(&body, body.begin());
    }
  }
};

} // namespace
} // namespace omc
