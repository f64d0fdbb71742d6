//===- PhaseForm.h - building phase form (see MapBlockPhasesToGpu.cpp) -------===//
//
// Phase form: an scf.parallel mapped to GPU blocks whose body runs phases,
// scf.parallel loops over the block's threads mapped to thread_x. The passes that
// produce it (omc-tile-matmuls-for-gpu, omc-map-rows-to-blocks) build it with these.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_TARGETS_NVPTX_PHASEFORM_H
#define OMC_TARGETS_NVPTX_PHASEFORM_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace omc::nvptx {

// Maps `loop`'s dims, in order, to `processors` (upstream's #gpu.loop_dim_map).
void mapLoopTo(mlir::scf::ParallelOp loop, llvm::ArrayRef<mlir::gpu::Processor> processors);

// A phase over `threads` threads at `builder`'s insertion point; `body` builds its
// body through `builder`, which points into it meanwhile and after it once done.
void createThreadPhase(mlir::OpBuilder &builder, mlir::Location loc, int64_t threads,
                       llvm::function_ref<void(mlir::Value thread)> body);

} // namespace omc::nvptx

#endif // OMC_TARGETS_NVPTX_PHASEFORM_H
