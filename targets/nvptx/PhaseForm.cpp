//===- PhaseForm.cpp - building phase form ----------------------------------===//

#include "targets/nvptx/PhaseForm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"

using namespace mlir;

namespace omc::nvptx {

void mapLoopTo(scf::ParallelOp loop, ArrayRef<gpu::Processor> processors) {
  MLIRContext *context = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (gpu::Processor processor : processors)
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(context, processor, identity,
                                                           identity));
  (void)gpu::setMappingAttr(loop, mapping);
}

void createThreadPhase(OpBuilder &builder, Location loc, int64_t threads,
                       function_ref<void(Value thread)> body) {
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, value);
  };
  auto phase = scf::ParallelOp::create(
      builder, loc, ValueRange{index(0)}, ValueRange{index(threads)}, ValueRange{index(1)},
      [&](OpBuilder &inner, Location, ValueRange ivs) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPoint(inner.getInsertionBlock(), inner.getInsertionPoint());
        body(ivs[0]);
      });
  mapLoopTo(phase, {gpu::Processor::ThreadX});
}

} // namespace omc::nvptx
