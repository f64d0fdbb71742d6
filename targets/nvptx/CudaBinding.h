//===- CudaBinding.h - host code -> the runtime's CUDA layer, bound at load ---===//
//
// The host code of an nvptx model calls mgpu* functions (module load, launch,
// managed allocation; see gpu-to-llvm) and loads its PTX in global constructors.
// A model library must not depend on symbols of the process that loads it, so
// these calls go through pointers that the runtime fills in when it loads the
// library, through two exported functions:
//
//   int32_t omc_cuda_bind(void *(*resolve)(const char *name));
//     asks `resolve` for every mgpu* function (0 when one is missing: returns 1),
//     then runs what were global constructors (loading the PTX module); 0 on success.
//   void omc_cuda_unbind(void);
//     runs what were global destructors (unloading the module).
//
// runtime/src/cuda_layer.cc is the other side; keep the two in step.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_TARGETS_NVPTX_CUDABINDING_H
#define OMC_TARGETS_NVPTX_CUDABINDING_H

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace omc::nvptx {

llvm::Error bindCudaCalls(llvm::Module &module);

} // namespace omc::nvptx

#endif // OMC_TARGETS_NVPTX_CUDABINDING_H
