// The mgpu* functions behind an nvptx model's host code: module loading,
// launches, streams and managed memory over the CUDA driver. Their signatures are
// the ones MLIR's gpu-to-llvm lowering and gpu.binary translation call.
#include "runtime/src/cuda_layer.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "runtime/src/cuda_driver.h"

namespace omc::cuda {
namespace {

thread_local std::string firstError;
thread_local std::string missingFunction;

void record(const std::string &message) {
  if (firstError.empty())
    firstError = message;
}

// The driver with the context current on this thread, or nullptr (recorded).
const Driver *ready() {
  std::string error;
  const Driver *d = driver(&error);
  if (d && !d->makeCurrent(&error))
    d = nullptr;
  if (!d)
    record(error);
  return d;
}

// Succeeds or records the failure of `call`.
bool check(const Driver *d, CUresult result, const char *call) {
  if (result != 0)
    record(d->describe(result, call));
  return result == 0;
}

// Blocks that a failed allocation handed out from the host heap instead, so that
// host code never writes through a null pointer; kernels on them fail and are
// reported.
std::mutex fallbackMutex;
std::unordered_set<void *> fallbackBlocks;

void *fallbackAllocation(uint64_t bytes) {
  void *block = std::calloc(1, bytes ? bytes : 1);
  std::lock_guard<std::mutex> lock(fallbackMutex);
  fallbackBlocks.insert(block);
  return block;
}

bool freeFallback(void *pointer) {
  std::lock_guard<std::mutex> lock(fallbackMutex);
  if (!fallbackBlocks.erase(pointer))
    return false;
  std::free(pointer);
  return true;
}

void *loadModule(const void *data, int optLevel) {
  const Driver *d = ready();
  if (!d)
    return nullptr;
  char log[4096] = {};
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes, kJitOptimizationLevel};
  void *values[] = {log, reinterpret_cast<void *>(uintptr_t(sizeof(log) - 1)),
                    reinterpret_cast<void *>(uintptr_t(optLevel < 0   ? 0
                                                       : optLevel > 4 ? 4
                                                                      : optLevel))};
  CUmodule module = nullptr;
  CUresult result = d->cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != 0) {
    std::string message = d->describe(result, "loading the model's PTX (cuModuleLoadDataEx)");
    for (char &c : log)
      if (c == '\n')
        c = ' ';
    if (log[0])
      message += ": " + std::string(log);
    record(message);
    return nullptr;
  }
  return module;
}

// ---- the functions the model calls (C ABI, bound by name) ----

void *omcModuleLoadJIT(void *data, int32_t optLevel) {
  return loadModule(data, optLevel);
}

void *omcModuleLoad(void *data, uint64_t) { return loadModule(data, 4); }

void omcModuleUnload(void *module) {
  if (!module)
    return;
  if (const Driver *d = ready())
    check(d, d->cuModuleUnload(static_cast<CUmodule>(module)), "cuModuleUnload");
}

void *omcModuleGetFunction(void *module, const char *name) {
  const Driver *d = module ? ready() : nullptr;
  if (!d)
    return nullptr;
  CUfunction function = nullptr;
  std::string call = std::string("cuModuleGetFunction(") + name + ")";
  check(d, d->cuModuleGetFunction(&function, static_cast<CUmodule>(module), name),
        call.c_str());
  return function;
}

void omcLaunchKernel(void *function, int64_t gridX, int64_t gridY, int64_t gridZ,
                                int64_t blockX, int64_t blockY, int64_t blockZ,
                                int32_t sharedBytes, void *stream, void **params, void **extra,
                                int64_t) {
  // Without a function an earlier step failed and was recorded.
  const Driver *d = function ? ready() : nullptr;
  if (!d || !firstError.empty())
    return;
  check(d,
        d->cuLaunchKernel(static_cast<CUfunction>(function), unsigned(gridX), unsigned(gridY),
                          unsigned(gridZ), unsigned(blockX), unsigned(blockY),
                          unsigned(blockZ), unsigned(sharedBytes),
                          static_cast<CUstream>(stream), params, extra),
        "cuLaunchKernel");
}

void *omcStreamCreate() {
  const Driver *d = ready();
  CUstream stream = nullptr;
  if (d)
    check(d, d->cuStreamCreate(&stream, 0), "cuStreamCreate");
  return stream;
}

void omcStreamSynchronize(void *stream) {
  if (const Driver *d = ready())
    check(d, d->cuStreamSynchronize(static_cast<CUstream>(stream)),
          "running a kernel (cuStreamSynchronize)");
}

void omcStreamDestroy(void *stream) {
  const Driver *d = stream ? ready() : nullptr;
  if (d)
    check(d, d->cuStreamDestroy(static_cast<CUstream>(stream)), "cuStreamDestroy");
}

void *omcMemAlloc(uint64_t bytes, void *, uint8_t hostShared) {
  const Driver *d = ready();
  if (!d)
    return fallbackAllocation(bytes);
  CUdeviceptr pointer = 0;
  // The driver refuses empty allocations; a 0-element tensor still needs an address.
  size_t size = bytes ? bytes : 1;
  CUresult result = hostShared ? d->cuMemAllocManaged(&pointer, size, kMemAttachGlobal)
                               : d->cuMemAlloc(&pointer, size);
  if (!check(d, result, hostShared ? "cuMemAllocManaged" : "cuMemAlloc"))
    return fallbackAllocation(bytes);
  return reinterpret_cast<void *>(pointer);
}

void omcMemFree(void *pointer, void *) {
  if (!pointer || freeFallback(pointer))
    return;
  if (const Driver *d = ready())
    check(d, d->cuMemFree(reinterpret_cast<CUdeviceptr>(pointer)), "cuMemFree");
}

void omcMemcpy(void *destination, void *source, uint64_t bytes, void *) {
  // An empty tensor's host buffer may be null, which the driver would refuse.
  if (bytes == 0)
    return;
  if (const Driver *d = ready())
    check(d,
          d->cuMemcpy(reinterpret_cast<CUdeviceptr>(destination),
                      reinterpret_cast<CUdeviceptr>(source), bytes),
          "cuMemcpy");
}

void omcMemset32(void *destination, uint32_t value, uint64_t count, void *) {
  if (const Driver *d = ready())
    check(d, d->cuMemsetD32(reinterpret_cast<CUdeviceptr>(destination), value, count),
          "cuMemsetD32");
}

void omcMemset16(void *destination, uint16_t value, uint64_t count, void *) {
  if (const Driver *d = ready())
    check(d, d->cuMemsetD16(reinterpret_cast<CUdeviceptr>(destination), value, count),
          "cuMemsetD16");
}

// The device copies of weights (targets/nvptx/DeviceWeights.h): each made once,
// on the first run that needs it, into the slot the library keeps for it, and
// freed when the library is unloaded.
struct DeviceWeight {
  void **slot;
  CUdeviceptr copy;
};
std::mutex weightMutex;
std::vector<DeviceWeight> deviceWeights;

void *omcDeviceWeight(void **slot, void *host, uint64_t bytes) {
  // Two threads may run the same model at once: one of them makes the copy.
  std::lock_guard<std::mutex> lock(weightMutex);
  if (*slot)
    return *slot;
  const Driver *d = ready();
  // On failure the run fails; no kernel is launched on the host address returned.
  if (!d || !firstError.empty())
    return host;
  CUdeviceptr copy = 0;
  if (!check(d, d->cuMemAlloc(&copy, bytes ? bytes : 1), "cuMemAlloc (a weight)"))
    return host;
  if (bytes && !check(d, d->cuMemcpy(copy, reinterpret_cast<CUdeviceptr>(host), bytes),
                      "cuMemcpy (a weight)")) {
    d->cuMemFree(copy);
    return host;
  }
  deviceWeights.push_back({slot, copy});
  *slot = reinterpret_cast<void *>(copy);
  return *slot;
}

// Frees the device copies of the weights of the library whose code holds `symbol`.
void releaseDeviceWeights(void *symbol) {
  Dl_info library;
  if (!symbol || !dladdr(symbol, &library))
    return;
  std::lock_guard<std::mutex> lock(weightMutex);
  const Driver *d = deviceWeights.empty() ? nullptr : ready();
  auto isOfLibrary = [&](const DeviceWeight &weight) {
    Dl_info info;
    return dladdr(weight.slot, &info) && info.dli_fbase == library.dli_fbase;
  };
  for (const DeviceWeight &weight : deviceWeights)
    if (isOfLibrary(weight)) {
      if (d)
        check(d, d->cuMemFree(weight.copy), "cuMemFree (a weight)");
      *weight.slot = nullptr;
    }
  deviceWeights.erase(std::remove_if(deviceWeights.begin(), deviceWeights.end(), isOfLibrary),
                      deviceWeights.end());
}

struct NamedFunction {
  const char *name;
  void *address;
};

const NamedFunction kFunctions[] = {
    {"mgpuModuleLoadJIT", reinterpret_cast<void *>(&omcModuleLoadJIT)},
    {"mgpuModuleLoad", reinterpret_cast<void *>(&omcModuleLoad)},
    {"mgpuModuleUnload", reinterpret_cast<void *>(&omcModuleUnload)},
    {"mgpuModuleGetFunction", reinterpret_cast<void *>(&omcModuleGetFunction)},
    {"mgpuLaunchKernel", reinterpret_cast<void *>(&omcLaunchKernel)},
    {"mgpuStreamCreate", reinterpret_cast<void *>(&omcStreamCreate)},
    {"mgpuStreamSynchronize", reinterpret_cast<void *>(&omcStreamSynchronize)},
    {"mgpuStreamDestroy", reinterpret_cast<void *>(&omcStreamDestroy)},
    {"mgpuMemAlloc", reinterpret_cast<void *>(&omcMemAlloc)},
    {"mgpuMemFree", reinterpret_cast<void *>(&omcMemFree)},
    {"mgpuMemcpy", reinterpret_cast<void *>(&omcMemcpy)},
    {"mgpuMemset32", reinterpret_cast<void *>(&omcMemset32)},
    {"mgpuMemset16", reinterpret_cast<void *>(&omcMemset16)},
    {"mgpuOmcDeviceWeight", reinterpret_cast<void *>(&omcDeviceWeight)},
};

void *resolveFunction(const char *name) {
  for (const NamedFunction &function : kFunctions)
    if (std::strcmp(function.name, name) == 0)
      return function.address;
  if (missingFunction.empty())
    missingFunction = name;
  return nullptr;
}

using BindFunction = int32_t (*)(void *(*resolve)(const char *));
using UnbindFunction = void (*)();

} // namespace

bool bindModel(void *library, const std::string &path, bool *bound, std::string *error) {
  *bound = false;
  auto bind = reinterpret_cast<BindFunction>(dlsym(library, "omc_cuda_bind"));
  if (!bind)
    return true; // a CPU model
  std::string why;
  if (!driver(&why)) {
    *error = "model library " + path + " runs on an NVIDIA GPU (nvptx), but " + why;
    return false;
  }
  clearError();
  missingFunction.clear();
  // A failed bind stops before loading anything: nothing to unbind then.
  if (bind(&resolveFunction) != 0) {
    *error = "model library " + path + " calls " + missingFunction +
             ", which this runtime's CUDA layer does not provide (a newer compiler?)";
    return false;
  }
  *bound = true;
  std::string failure = takeError();
  if (!failure.empty()) {
    *error = "model library " + path + ": " + failure;
    return false;
  }
  return true;
}

void unbindModel(void *library) {
  releaseDeviceWeights(dlsym(library, "omc_cuda_bind"));
  if (auto unbind = reinterpret_cast<UnbindFunction>(dlsym(library, "omc_cuda_unbind")))
    unbind();
  clearError();
}

void clearError() { firstError.clear(); }

std::string takeError() {
  std::string error = std::move(firstError);
  firstError.clear();
  return error;
}

} // namespace omc::cuda
