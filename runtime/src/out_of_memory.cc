// A failed malloc inside a compiled model. The model's code keeps nothing on the
// stack that needs unwinding (no destructors, no locks), so a longjmp out of it is
// safe; each thread has its own guarded call.
#include "runtime/src/out_of_memory.h"

#include <dlfcn.h>

#include <csetjmp>
#include <cstdlib>

namespace omc {
namespace {

using Handler = void (*)(int64_t);

thread_local std::jmp_buf *activeCall = nullptr;
thread_local int64_t failedBytes = 0;

[[noreturn]] void onModelOutOfMemory(int64_t bytes) {
  // Only a model called through callGuarded has the handler's address.
  if (!activeCall)
    std::abort();
  failedBytes = bytes;
  std::longjmp(*activeCall, 1);
}

} // namespace

void installOutOfMemoryHandler(void *library) {
  dlerror();
  // Written once per library: a second load of it (the same mapping) finds it set, so
  // runs already going on other threads never see the slot change.
  auto slot = static_cast<Handler *>(dlsym(library, "omc_out_of_memory_handler"));
  if (slot && *slot != &onModelOutOfMemory)
    *slot = &onModelOutOfMemory;
}

bool callGuarded(RunFunction run, const omc_tensor *inputs, int64_t numInputs,
                 omc_tensor *outputs, int64_t numOutputs, int32_t *status, int64_t *bytes) {
  std::jmp_buf here;
  std::jmp_buf *outer = activeCall;
  activeCall = &here;
  if (setjmp(here) != 0) {
    activeCall = outer;
    *bytes = failedBytes;
    return false;
  }
  *status = run(inputs, numInputs, outputs, numOutputs);
  activeCall = outer;
  return true;
}

} // namespace omc
