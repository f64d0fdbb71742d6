// See heap_policy.h.
#include "runtime/src/heap_policy.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace omc {

void keepFreedBuffersForReuse() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    // Blocks up to this size come from the heap, not from mmap (glibc's maximum; setting
    // it also stops glibc's own threshold from moving).
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    // Never shrink the heap's top on free: the next run needs the same memory again.
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
#endif
}

} // namespace omc
