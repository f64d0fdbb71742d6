// The runtime's side of an nvptx model (see targets/nvptx/CudaBinding.h): the
// mgpu* functions its host code calls, handed over when the library is loaded.
// CUDA errors inside a run cannot unwind through the model's code; they are
// recorded per thread, the first one kept, and turned into the run's error.
#ifndef OMC_RUNTIME_SRC_CUDA_LAYER_H
#define OMC_RUNTIME_SRC_CUDA_LAYER_H

#include <string>

namespace omc::cuda {

// For a library that exports omc_cuda_bind: loads the driver, binds the
// library's calls and loads its PTX module. Sets *bound when the library is a GPU
// model (then unbindModel must run before dlclose). False with *error (one line)
// on any failure.
bool bindModel(void *library, const std::string &path, bool *bound, std::string *error);
void unbindModel(void *library);

// Forgets the calling thread's recorded CUDA error (before a run).
void clearError();
// The first CUDA error the calling thread met since clearError, or "".
std::string takeError();

} // namespace omc::cuda

#endif // OMC_RUNTIME_SRC_CUDA_LAYER_H
