// How the process heap treats the buffers a model's code allocates (private to runtime/src).
#ifndef OMC_RUNTIME_SRC_HEAP_POLICY_H
#define OMC_RUNTIME_SRC_HEAP_POLICY_H

namespace omc {

// Compiled code mallocs and frees every intermediate tensor on each run. glibc's defaults
// hand large blocks back to the kernel on free (munmap, or trimming the heap's top), so
// the next run page-faults every page of them in again, zeroed: on GPT-2 124M that was
// more than half of a run. This keeps freed blocks (up to glibc's largest mmap threshold,
// 32 MiB on 64-bit) in the heap for reuse. Once per process; idempotent.
void keepFreedBuffersForReuse();

} // namespace omc

#endif // OMC_RUNTIME_SRC_HEAP_POLICY_H
