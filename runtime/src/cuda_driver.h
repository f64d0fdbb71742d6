// The CUDA driver API, loaded from libcuda.so.1 with dlopen when a GPU model is
// first loaded: the runtime builds and links without CUDA, and CPU models never
// touch it. Only the few functions the CUDA layer calls are declared, with the
// driver's own types reduced to what crosses the boundary.
#ifndef OMC_RUNTIME_SRC_CUDA_DRIVER_H
#define OMC_RUNTIME_SRC_CUDA_DRIVER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace omc::cuda {

using CUresult = int; // CUDA_SUCCESS is 0
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;

// Values from cuda.h that the layer passes.
constexpr int kJitErrorLogBuffer = 5;          // CU_JIT_ERROR_LOG_BUFFER
constexpr int kJitErrorLogBufferSizeBytes = 6; // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
constexpr int kJitOptimizationLevel = 7;       // CU_JIT_OPTIMIZATION_LEVEL
constexpr unsigned kMemAttachGlobal = 1;       // CU_MEM_ATTACH_GLOBAL

struct Driver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetName)(char *name, int length, CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext context);
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image, unsigned numOptions,
                                 int *options, void **values);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module, const char *name);
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned gridX, unsigned gridY,
                             unsigned gridZ, unsigned blockX, unsigned blockY, unsigned blockZ,
                             unsigned sharedBytes, CUstream stream, void **params,
                             void **extra);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuStreamDestroy)(CUstream stream);
  CUresult (*cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *pointer, size_t bytes, unsigned flags);
  CUresult (*cuMemFree)(CUdeviceptr pointer);
  CUresult (*cuMemcpy)(CUdeviceptr destination, CUdeviceptr source, size_t bytes);
  CUresult (*cuMemsetD32)(CUdeviceptr destination, unsigned value, size_t count);
  CUresult (*cuMemsetD16)(CUdeviceptr destination, unsigned short value, size_t count);
  CUresult (*cuGetErrorName)(CUresult error, const char **name);
  CUresult (*cuGetErrorString)(CUresult error, const char **text);

  CUdevice device = 0;
  CUcontext context = nullptr; // the device's primary context
  std::string deviceName;

  // "CALL failed: CUDA_ERROR_NAME (the driver's description)".
  std::string describe(CUresult result, const char *call) const;
  // Makes the model's context current on the calling thread.
  bool makeCurrent(std::string *error) const;
};

// The driver, loaded and initialized once per process (device 0, or the
// OMC_CUDA_DEVICE-th); nullptr with *error set when there is none.
const Driver *driver(std::string *error);

} // namespace omc::cuda

#endif // OMC_RUNTIME_SRC_CUDA_DRIVER_H
