//===- CheckedAllocation.h - a model's malloc that fails cleanly ---------------===//
//
// A model allocates its buffers with malloc and cannot go on without one. Every call
// to malloc is redirected to an internal omc_checked_malloc; when malloc gives NULL
// for a size above 0 it calls the handler the runtime stored in the exported pointer
// `omc_out_of_memory_handler` (void (*)(int64_t bytes)), which does not return: the
// runtime unwinds to its call of the entry point and reports "out of memory
// allocating N bytes". Without a handler (another host) the NULL is returned as before.
//
// A buffer whose dims come from the data (ConstantOfShape, Expand, ...) may ask for more
// than 2^63 bytes, or for a negative dim: its byte count is checked before the alloc and
// such a request calls the handler with -1 bytes, instead of malloc'ing a wrapped size.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H

#include "mlir/IR/BuiltinOps.h"

namespace omc {

// Before the conversion to LLVM: each memref.alloc with dynamic sizes first calls
// omc_check_allocation_size(i1 bad), bad when a dim is negative or the byte count does
// not fit in an int64.
void checkAllocationSizes(mlir::ModuleOp module);

// On a module in the LLVM dialect: routes its calls of malloc through the check, and
// defines omc_check_allocation_size.
void checkAllocations(mlir::ModuleOp module);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_CHECKEDALLOCATION_H
