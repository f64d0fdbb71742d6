//===- LoopNestLowering.h - krnl.iterate and its schedule -> affine.for -------===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_LOOPNESTLOWERING_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_LOOPNESTLOWERING_H

#include "compiler/dialect/krnl/KrnlOps.h"

namespace omc {

// Replaces `iterate` by a loop nest, applying the block and permute ops on its
// loop handles. The handles' define_loops and schedule ops are left for the caller
// to erase once every nest is lowered.
mlir::LogicalResult lowerIterate(krnl::IterateOp iterate);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_AFFINE_LOOPNESTLOWERING_H
