//===- ModelHeader.h - the C header of a compiled model (--emit=header) -------===//
#ifndef OMC_COMPILER_PIPELINE_MODELHEADER_H
#define OMC_COMPILER_PIPELINE_MODELHEADER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace omc {

// Writes the C/C++ header that declares what the model's object exports under `prefix`
// (see runtime/include/omc/model_abi.h), from the krnl.entry_point ops of `module`:
// the raw ABI functions, and for each entry point whose inputs and outputs are all
// tensors of static shape and a numeric or bool type, a typed function
// `<prefix>_<entry>(const T *input..., T *output...)` over contiguous row-major arrays
// (runtime/include/omc/static_model.h), with `<PREFIX>_<ENTRY>_<TENSOR>_SIZE` constants.
// `modelName` only goes into the opening comment.
llvm::Error writeModelHeader(mlir::ModuleOp module, llvm::StringRef prefix,
                             llvm::StringRef modelName, llvm::raw_ostream &os);

} // namespace omc

#endif // OMC_COMPILER_PIPELINE_MODELHEADER_H
