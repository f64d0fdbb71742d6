// A stand-in for the CUDA driver (libcuda.so.1) for machines without a GPU: it runs
// no kernel, but it counts what the host side of an nvptx model asks of the driver,
// so that tests can check that side (copies, allocations, frees, error reports)
// without a GPU. Device memory is host memory that the host cannot touch (mapped
// PROT_NONE, opened only inside the driver's own copies), so host code that reads or
// writes a device buffer dies of SIGSEGV here as it would fail on a GPU; managed
// memory is ordinary host memory.
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
#include <map>
#include <mutex>
#include <unordered_set>

#include <sys/mman.h>

namespace {

constexpr int kIllegalAddress = 700;

std::mutex mutex;
std::map<char *, size_t> deviceBlocks;  // start -> bytes, mapped PROT_NONE
std::unordered_set<void *> managedBlocks; // from malloc
uint64_t launches, hostToDevice, deviceToHost, deviceAllocations, managedAllocations,
    modulesLoaded;

bool failing(const char *call) {
  const char *chosen = std::getenv("OMC_FAKE_CUDA_FAIL");
  return chosen && std::strcmp(chosen, call) == 0;
}

// The device block holding `address`, or end(). The caller holds the lock.
std::map<char *, size_t>::iterator deviceBlockOf(void *address) {
  char *at = static_cast<char *>(address);
  auto next = deviceBlocks.upper_bound(at);
  if (next == deviceBlocks.begin())
    return deviceBlocks.end();
  auto block = std::prev(next);
  return at < block->first + block->second ? block : deviceBlocks.end();
}

// Opens (or closes again) the device block holding `address` to the driver's own access.
void setAccess(void *address, int protection) {
  auto block = deviceBlockOf(address);
  if (block != deviceBlocks.end())
    mprotect(block->first, block->second, protection);
}

size_t blocksNotFreed() { return deviceBlocks.size() + managedBlocks.size(); }

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
                 (unsigned long long)managedAllocations, blocksNotFreed(),
                 (unsigned long long)modulesLoaded);
    std::fclose(file);
  }
} report;

template <typename T>
int fill(unsigned long long destination, T value, size_t count) {
  auto *to = reinterpret_cast<T *>(destination);
  std::lock_guard<std::mutex> lock(mutex);
  setAccess(to, PROT_READ | PROT_WRITE);
  for (size_t i = 0; i < count; ++i)
    to[i] = value;
  setAccess(to, PROT_NONE);
  return 0;
}

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
  size_t size = bytes ? bytes : 1;
  void *block = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED)
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  std::lock_guard<std::mutex> lock(mutex);
  deviceBlocks[static_cast<char *>(block)] = size;
  ++deviceAllocations;
  *pointer = reinterpret_cast<uintptr_t>(block);
  return 0;
}
int cuMemAllocManaged(unsigned long long *pointer, size_t bytes, unsigned) {
  void *block = std::calloc(1, bytes ? bytes : 1);
  std::lock_guard<std::mutex> lock(mutex);
  managedBlocks.insert(block);
  ++managedAllocations;
  *pointer = reinterpret_cast<uintptr_t>(block);
  return 0;
}
int cuMemFree_v2(unsigned long long pointer) {
  void *block = reinterpret_cast<void *>(pointer);
  std::lock_guard<std::mutex> lock(mutex);
  if (managedBlocks.erase(block)) {
    std::free(block);
    return 0;
  }
  auto device = deviceBlocks.find(static_cast<char *>(block));
  if (device == deviceBlocks.end())
    return 1; // CUDA_ERROR_INVALID_VALUE
  munmap(device->first, device->second);
  deviceBlocks.erase(device);
  return 0;
}
int cuMemcpy(unsigned long long destination, unsigned long long source, size_t bytes) {
  void *to = reinterpret_cast<void *>(destination), *from = reinterpret_cast<void *>(source);
  std::lock_guard<std::mutex> lock(mutex);
  bool toDevice = deviceBlockOf(to) != deviceBlocks.end();
  bool fromDevice = deviceBlockOf(from) != deviceBlocks.end();
  if (toDevice && !fromDevice)
    hostToDevice += bytes;
  if (fromDevice && !toDevice)
    deviceToHost += bytes;
  setAccess(to, PROT_READ | PROT_WRITE);
  setAccess(from, PROT_READ | PROT_WRITE);
  std::memmove(to, from, bytes);
  setAccess(to, PROT_NONE);
  setAccess(from, PROT_NONE);
  return 0;
}
int cuMemsetD32_v2(unsigned long long destination, unsigned value, size_t count) {
  return fill<uint32_t>(destination, value, count);
}
int cuMemsetD16_v2(unsigned long long destination, unsigned short value, size_t count) {
  return fill<uint16_t>(destination, value, count);
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
