//===- MapParallelLoopsToGpu.cpp - outermost scf.parallel nests -> gpu.launch ===//
//
// One thread per iteration of the flattened nest keeps the mapping independent of
// the loop shapes: any number of dims, any trip counts, at most one partial block.
// Matmuls and rows that reduce come here already mapped to blocks
// (omc-tile-matmuls-for-gpu, omc-map-rows-to-blocks); what is left gets a thread
// per iteration.
//
//===----------------------------------------------------------------------===//

#include "targets/nvptx/Passes.h"

#include "targets/nvptx/LoopNests.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_MAPPARALLELLOOPSTOGPU
#include "targets/nvptx/Passes.h.inc"

namespace {

void mapToLaunch(scf::ParallelOp root, int64_t blockSize, StringRef kernelName) {
  SmallVector<scf::ParallelOp> nest = perfectlyNestedParallels(root);
  NestDims dims = dimsOf(nest);
  OpBuilder builder(root);
  Location loc = root.getLoc();
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);

  SmallVector<Value> tripCounts;
  Value total =
      iterationCount(builder, loc, dims.lowerBounds, dims.upperBounds, dims.steps, tripCounts);
  Value threads = arith::ConstantIndexOp::create(builder, loc, blockSize);
  Value blocks = ceilDivIndex(builder, loc, total, threads);

  enterIfAnyIteration(builder, loc, total);
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
  mapDelinearized(builder, loc, linear, tripCounts, dims.lowerBounds, dims.steps,
                  dims.inductionVars, mapping);
  for (Operation &op : nest.back().getBody()->without_terminator())
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
