//===- MapParallelLoopsToGpu.cpp - outermost scf.parallel nests -> gpu.launch ===//
//
// One thread per iteration of the flattened nest keeps the mapping independent of
// the loop shapes: any number of dims, any trip counts, at most one partial block.
// Matmuls come here already tiled (omc-tile-matmuls-for-gpu); block reductions
// are a later refinement.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_MAPPARALLELLOOPSTOGPU
#include "targets/nvptx/Passes.h.inc"

namespace {

struct LoopDim {
  Value lowerBound, upperBound, step, inductionVar;
};

// `root` and the scf.parallel ops perfectly nested in it whose bounds do not
// depend on the outer ones; returns the innermost, whose body is the work.
scf::ParallelOp collectNest(scf::ParallelOp root, SmallVectorImpl<LoopDim> &dims) {
  scf::ParallelOp innermost = root;
  while (true) {
    for (auto [lb, ub, step, iv] :
         llvm::zip(innermost.getLowerBound(), innermost.getUpperBound(), innermost.getStep(),
                   innermost.getInductionVars()))
      dims.push_back({lb, ub, step, iv});
    Block *body = innermost.getBody();
    if (!llvm::hasSingleElement(body->without_terminator()))
      return innermost;
    auto inner = dyn_cast<scf::ParallelOp>(body->front());
    if (!inner || !inner.getInitVals().empty())
      return innermost;
    auto definedOutside = [&](Value value) { return root.isDefinedOutsideOfLoop(value); };
    if (!llvm::all_of(inner.getLowerBound(), definedOutside) ||
        !llvm::all_of(inner.getUpperBound(), definedOutside) ||
        !llvm::all_of(inner.getStep(), definedOutside))
      return innermost;
    innermost = inner;
  }
}

void mapToLaunch(scf::ParallelOp root, int64_t blockSize, StringRef kernelName) {
  SmallVector<LoopDim> dims;
  scf::ParallelOp innermost = collectNest(root, dims);
  OpBuilder builder(root);
  Location loc = root.getLoc();
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, value);
  };
  Value zero = constant(0), one = constant(1);
  // ceil(a / b) for a >= 0, b > 0 (arith.ceildivsi would need arith-expand).
  auto ceilDiv = [&](Value a, Value b) -> Value {
    Value rounded = arith::AddIOp::create(builder, loc, a,
                                          arith::SubIOp::create(builder, loc, b, one));
    return arith::DivSIOp::create(builder, loc, rounded, b);
  };

  // Trip counts: ceil((ub - lb) / step), 0 for an empty range.
  SmallVector<Value> tripCounts;
  Value total = one;
  for (const LoopDim &dim : dims) {
    Value span = arith::SubIOp::create(builder, loc, dim.upperBound, dim.lowerBound);
    span = arith::MaxSIOp::create(builder, loc, span, zero);
    Value trips = ceilDiv(span, dim.step);
    tripCounts.push_back(trips);
    total = arith::MulIOp::create(builder, loc, total, trips);
  }
  Value threads = constant(blockSize);
  Value blocks = ceilDiv(total, threads);

  // CUDA rejects a grid of zero blocks.
  Value nonEmpty = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sgt, total, zero);
  auto ifNonEmpty = scf::IfOp::create(builder, loc, nonEmpty, /*withElseRegion=*/false);
  builder.setInsertionPointToStart(ifNonEmpty.thenBlock());
  // Every kernel goes into one gpu.module, so the library holds one PTX module.
  auto launch = gpu::LaunchOp::create(
      builder, loc, blocks, one, one, threads, one, one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, /*workgroupAttributions=*/{},
      /*privateAttributions=*/{}, nullptr, nullptr, nullptr,
      FlatSymbolRefAttr::get(builder.getContext(), kKernelModuleName),
      FlatSymbolRefAttr::get(builder.getContext(), kernelName));

  builder.setInsertionPointToStart(&launch.getBody().front());
  Value linear = arith::AddIOp::create(
      builder, loc, arith::MulIOp::create(builder, loc, launch.getBlockIds().x, threads),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::slt, linear, total);
  auto guard = scf::IfOp::create(builder, loc, inRange, /*withElseRegion=*/false);
  gpu::TerminatorOp::create(builder, loc);

  // The last dim varies fastest, as in the loop nest, so that neighbouring
  // threads touch neighbouring elements.
  builder.setInsertionPointToStart(guard.thenBlock());
  IRMapping mapping;
  Value rest = linear;
  for (int64_t i = dims.size() - 1; i >= 0; --i) {
    Value index = i == 0 ? rest : arith::RemSIOp::create(builder, loc, rest, tripCounts[i]);
    if (i > 0)
      rest = arith::DivSIOp::create(builder, loc, rest, tripCounts[i]);
    Value scaled = arith::MulIOp::create(builder, loc, index, dims[i].step);
    mapping.map(dims[i].inductionVar,
                arith::AddIOp::create(builder, loc, dims[i].lowerBound, scaled));
  }
  for (Operation &op : innermost.getBody()->without_terminator())
    builder.clone(op, mapping);
  root.erase();
}

struct MapParallelLoopsToGpu : impl::MapParallelLoopsToGpuBase<MapParallelLoopsToGpu> {
  using Base::Base;

  // What comes after this pass (outlining, NVVM, PTX, LLVM IR with gpu.binary)
  // needs the GPU dialects and their translations in the context.
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registerNvptxDialects(registry);
  }

  void runOnOperation() override {
    if (blockSize <= 0 || blockSize > 1024) {
      getOperation().emitError() << "block-size must be in 1..1024, not " << blockSize;
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> roots;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      if (auto parallel = dyn_cast<scf::ParallelOp>(op)) {
        // A loop with reductions stays on the host (scf-to-cf makes it sequential).
        if (parallel.getInitVals().empty())
          roots.push_back(parallel);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    for (auto [index, root] : llvm::enumerate(roots))
      mapToLaunch(root, blockSize,
                  (getOperation().getName() + "_kernel_" + llvm::Twine(index)).str());
  }
};

} // namespace
} // namespace omc::nvptx
