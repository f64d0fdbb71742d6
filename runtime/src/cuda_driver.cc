// Loading libcuda.so.1 and initializing device and context, once per process.
#include "runtime/src/cuda_driver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace omc::cuda {
namespace {

struct LoadResult {
  Driver driver;
  std::string error; // empty when the driver is usable
};

// Resolves `name` into `slot`; false, naming it, when the library lacks it.
template <typename Function>
bool resolve(void *library, const char *name, Function &slot, std::string *error) {
  slot = reinterpret_cast<Function>(dlsym(library, name));
  if (!slot)
    *error = std::string("the CUDA driver libcuda.so.1 has no ") + name;
  return slot != nullptr;
}

LoadResult load() {
  LoadResult result;
  Driver &d = result.driver;
  std::string &error = result.error;
  dlerror();
  // Never closed: the driver stays for the life of the process, as CUDA expects.
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    error = std::string("cannot load the CUDA driver (") + (why ? why : "libcuda.so.1") +
            "); an nvptx model needs an NVIDIA GPU and its driver";
    return result;
  }
  // The _v2 names are the ones cuda.h maps the plain names to.
  if (!resolve(library, "cuInit", d.cuInit, &error) ||
      !resolve(library, "cuDeviceGetCount", d.cuDeviceGetCount, &error) ||
      !resolve(library, "cuDeviceGet", d.cuDeviceGet, &error) ||
      !resolve(library, "cuDeviceGetName", d.cuDeviceGetName, &error) ||
      !resolve(library, "cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain, &error) ||
      !resolve(library, "cuCtxSetCurrent", d.cuCtxSetCurrent, &error) ||
      !resolve(library, "cuModuleLoadDataEx", d.cuModuleLoadDataEx, &error) ||
      !resolve(library, "cuModuleUnload", d.cuModuleUnload, &error) ||
      !resolve(library, "cuModuleGetFunction", d.cuModuleGetFunction, &error) ||
      !resolve(library, "cuLaunchKernel", d.cuLaunchKernel, &error) ||
      !resolve(library, "cuStreamCreate", d.cuStreamCreate, &error) ||
      !resolve(library, "cuStreamSynchronize", d.cuStreamSynchronize, &error) ||
      !resolve(library, "cuStreamDestroy_v2", d.cuStreamDestroy, &error) ||
      !resolve(library, "cuMemAlloc_v2", d.cuMemAlloc, &error) ||
      !resolve(library, "cuMemAllocManaged", d.cuMemAllocManaged, &error) ||
      !resolve(library, "cuMemFree_v2", d.cuMemFree, &error) ||
      !resolve(library, "cuMemcpy", d.cuMemcpy, &error) ||
      !resolve(library, "cuMemsetD32_v2", d.cuMemsetD32, &error) ||
      !resolve(library, "cuMemsetD16_v2", d.cuMemsetD16, &error) ||
      !resolve(library, "cuGetErrorName", d.cuGetErrorName, &error) ||
      !resolve(library, "cuGetErrorString", d.cuGetErrorString, &error))
    return result;

  CUresult status = d.cuInit(0);
  if (status != 0) {
    error = d.describe(status, "cuInit");
    return result;
  }
  int count = 0;
  status = d.cuDeviceGetCount(&count);
  if (status != 0) {
    error = d.describe(status, "cuDeviceGetCount");
    return result;
  }
  int ordinal = 0;
  if (const char *chosen = std::getenv("OMC_CUDA_DEVICE"))
    ordinal = std::atoi(chosen);
  if (ordinal < 0 || ordinal >= count) {
    error = "no CUDA device " + std::to_string(ordinal) + " (the driver sees " +
            std::to_string(count) + ")";
    return result;
  }
  if ((status = d.cuDeviceGet(&d.device, ordinal)) != 0) {
    error = d.describe(status, "cuDeviceGet");
    return result;
  }
  char name[256] = {};
  if (d.cuDeviceGetName(name, sizeof(name) - 1, d.device) == 0)
    d.deviceName = name;
  if ((status = d.cuDevicePrimaryCtxRetain(&d.context, d.device)) != 0) {
    error = d.describe(status, "cuDevicePrimaryCtxRetain");
    return result;
  }
  return result;
}

} // namespace

std::string Driver::describe(CUresult result, const char *call) const {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName)
    cuGetErrorName(result, &name);
  if (cuGetErrorString)
    cuGetErrorString(result, &text);
  return std::string(call) + " failed: " +
         (name ? name : "CUDA error " + std::to_string(result)) +
         (text ? std::string(" (") + text + ")" : "");
}

bool Driver::makeCurrent(std::string *error) const {
  CUresult status = cuCtxSetCurrent(context);
  if (status != 0)
    *error = describe(status, "cuCtxSetCurrent");
  return status == 0;
}

const Driver *driver(std::string *error) {
  static std::once_flag once;
  static LoadResult *loaded = nullptr;
  std::call_once(once, [] { loaded = new LoadResult(load()); });
  if (!loaded->error.empty()) {
    *error = loaded->error;
    return nullptr;
  }
  return &loaded->driver;
}

} // namespace omc::cuda
