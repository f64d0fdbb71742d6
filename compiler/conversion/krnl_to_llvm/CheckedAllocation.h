//===- CheckedAllocation.h - a model's malloc that fails cleanly ---------------===//
//
// A model allocates its buffers with malloc and cannot go on without one. Every call
// to malloc is redirected to an internal omc_checked_malloc; when malloc gives NULL
// for a size above 0 it calls the handler the runtime stored in the exported pointer
// `omc_out_of_memory_handler` (void (*)(int64_t bytes)), which does not return: the
// runtime unwinds to its call of the entry point and reports "out of memory
// allocating N bytes". Without a handler (another host) the NULL is returned as before.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H

#include "mlir/IR/BuiltinOps.h"

namespace omc {

// On a module in the LLVM dialect: routes its calls of malloc through the check.
void checkAllocations(mlir::ModuleOp module);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H
