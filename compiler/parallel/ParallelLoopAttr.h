//===- ParallelLoopAttr.h - the mark of an scf.for with independent iterations ---===//
//
// Apart from Passes.h so that a lowering can mark its loops without the passes' headers.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_PARALLEL_PARALLELLOOPATTR_H
#define OMC_COMPILER_PARALLEL_PARALLELLOOPATTR_H

#include "llvm/ADT/StringRef.h"

namespace omc {

// The attribute a lowering puts on an scf.for whose iterations are independent:
// omc-outline-parallel-loops runs such a loop on the thread pool as it is.
inline constexpr llvm::StringLiteral kParallelLoopAttr = "omc.parallel";

} // namespace omc

#endif // OMC_COMPILER_PARALLEL_PARALLELLOOPATTR_H
