//===- EntryPointABI.h - krnl.entry_point -> the C functions of the model ABI -===//
#ifndef OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H
#define OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H

#include "mlir/IR/BuiltinOps.h"

namespace omc {

// The module attribute that names the exported symbols: with "mlp", the library
// exports mlp_run_<name>, mlp_signature_in_<name>, ..., mlp_entry_points and
// mlp_abi_version instead of omc_..., so several models link into one program.
// Without it the prefix is "omc", the one the runtime loads shared libraries by.
constexpr llvm::StringLiteral kSymbolPrefixAttr = "omc.symbol_prefix";
constexpr llvm::StringLiteral kDefaultSymbolPrefix = "omc";

// Whether `name` can start a C symbol: [A-Za-z_][A-Za-z0-9_]*.
bool isCIdentifier(llvm::StringRef name);

// Replaces every krnl.entry_point of `module` by the exported C functions of the
// model ABI. The run wrappers are func.func bodies made of LLVM dialect ops and
// unrealized casts to memrefs, so the func -> llvm conversion that follows
// lowers their calls like any other. The symbols' prefix is the module's
// kSymbolPrefixAttr; one that is not a C identifier is an error.
mlir::LogicalResult generateEntryPointABI(mlir::ModuleOp module);

} // namespace omc

#endif // OMC_COMPILER_CONVERSION_KRNL_TO_LLVM_ENTRYPOINTABI_H
