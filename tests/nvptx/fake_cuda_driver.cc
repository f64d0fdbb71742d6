// A stand-in for the CUDA driver (libcuda.so.1) for machines without a GPU: it runs
// no kernel, but it keeps "device" memory on the host heap and counts what the host
// side of an nvptx model asks of the driver, so that tests can check that side
// (copies, allocations, frees, error reports) without a GPU.
//
//   OMC_FAKE_CUDA_REPORT=FILE  at exit, writes "name value" lines: launches,
//                              host_to_device_bytes, device_to_host_bytes,
//                              device_allocations, managed_allocations,
//                              blocks_not_freed, modules_loaded
//   OMC_FAKE_CUDA_FAIL=CALL    CALL (e.g. cuLaunchKernel) fails with
//                              CUDA_ERROR_ILLEGAL_ADDRESS (700)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_set>

namespace {

constexpr int kIllegalAddress = 700;

std::mutex mutex;
std::unordered_set<void *> blocks; // live device and managed allocations
uint64_t launches, hostToDevice, deviceToHost, deviceAllocations, managedAllocations,
    modulesLoaded;

bool failing(const char *call) {
  const char *chosen = std::getenv("OMC_FAKE_CUDA_FAIL");
  return chosen && std::strcmp(chosen, call) == 0;
}

int allocate(unsigned long long *pointer, size_t bytes, uint64_t *counter) {
  void *block = std::malloc(bytes ? bytes : 1);
  std::lock_guard<std::mutex> lock(mutex);
  blocks.insert(block);
  ++*counter;
  *pointer = reinterpret_cast<uintptr_t>(block);
  return 0;
}

struct Report {
  ~Report() {
    const char *path = std::getenv("OMC_FAKE_CUDA_REPORT");
    FILE *file = path ? std::fopen(path, "w") : nullptr;
    if (!file)
      return;
    std::fprintf(file,
                 "launches %llu\nhost_to_device_bytes %llu\ndevice_to_host_bytes %llu\n"
                 "device_allocations %llu\nmanaged_allocations %llu\nblocks_not_freed %zu\n"
                 "modules_loaded %llu\n",
                 (unsigned long long)launches, (unsigned long long)hostToDevice,
                 (unsigned long long)deviceToHost, (unsigned long long)deviceAllocations,
                 (unsigned long long)managedAllocations, blocks.size(),
                 (unsigned long long)modulesLoaded);
    std::fclose(file);
  }
} report;

int handle; // what opaque handles point to

} // namespace

extern "C" {

int cuInit(unsigned) { return 0; }
int cuDeviceGetCount(int *count) { *count = 1; return 0; }
int cuDeviceGet(int *device, int) { *device = 0; return 0; }
int cuDeviceGetName(char *name, int length, int) {
  std::snprintf(name, length, "omc fake CUDA driver (no GPU)");
  return 0;
}
int cuDevicePrimaryCtxRetain(void **context, int) { *context = &handle; return 0; }
int cuCtxSetCurrent(void *) { return 0; }
int cuModuleLoadDataEx(void **module, const void *, unsigned, int *, void **) {
  ++modulesLoaded;
  *module = &handle;
  return 0;
}
int cuModuleUnload(void *) { return 0; }
int cuModuleGetFunction(void **function, void *, const char *) { *function = &handle; return 0; }
int cuLaunchKernel(void *, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                   void *, void **, void **) {
  if (failing("cuLaunchKernel"))
    return kIllegalAddress;
  ++launches;
  return 0;
}
int cuStreamCreate(void **stream, unsigned) { *stream = &handle; return 0; }
int cuStreamSynchronize(void *) { return 0; }
int cuStreamDestroy_v2(void *) { return 0; }
int cuMemAlloc_v2(unsigned long long *pointer, size_t bytes) {
  return allocate(pointer, bytes, &deviceAllocations);
}
int cuMemAllocManaged(unsigned long long *pointer, size_t bytes, unsigned) {
  return allocate(pointer, bytes, &managedAllocations);
}
int cuMemFree_v2(unsigned long long pointer) {
  void *block = reinterpret_cast<void *>(pointer);
  std::lock_guard<std::mutex> lock(mutex);
  if (!blocks.erase(block))
    return 1; // CUDA_ERROR_INVALID_VALUE
  std::free(block);
  return 0;
}
int cuMemcpy(unsigned long long destination, unsigned long long source, size_t bytes) {
  void *to = reinterpret_cast<void *>(destination), *from = reinterpret_cast<void *>(source);
  {
    std::lock_guard<std::mutex> lock(mutex);
    bool toDevice = blocks.count(to), fromDevice = blocks.count(from);
    if (toDevice && !fromDevice)
      hostToDevice += bytes;
    if (fromDevice && !toDevice)
      deviceToHost += bytes;
  }
  std::memmove(to, from, bytes);
  return 0;
}
int cuMemsetD32_v2(unsigned long long destination, unsigned value, size_t count) {
  auto *to = reinterpret_cast<uint32_t *>(destination);
  for (size_t i = 0; i < count; ++i)
    to[i] = value;
  return 0;
}
int cuMemsetD16_v2(unsigned long long destination, unsigned short value, size_t count) {
  auto *to = reinterpret_cast<uint16_t *>(destination);
  for (size_t i = 0; i < count; ++i)
    to[i] = value;
  return 0;
}
int cuGetErrorName(int error, const char **name) {
  *name = error == kIllegalAddress ? "CUDA_ERROR_ILLEGAL_ADDRESS" : "CUDA_ERROR_UNKNOWN";
  return 0;
}
int cuGetErrorString(int error, const char **text) {
  *text = error == kIllegalAddress ? "an illegal memory access was encountered"
                                   : "unknown error";
  return 0;
}

} // extern "C"
