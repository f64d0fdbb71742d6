//===- EntryPointABI.h - krnl.entry_point -> the C functions of the model ABI -===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H

#include "mlir/IR/BuiltinOps.h"

namespace omc {

// Replaces every krnl.entry_point of `module` by the exported C functions of the
// model ABI. The run wrappers are func.func bodies made of LLVM dialect ops and
// unrealized casts to memrefs, so the func -> llvm conversion that follows
// lowers their calls like any other.
mlir::LogicalResult generateEntryPointABI(mlir::ModuleOp module);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H
