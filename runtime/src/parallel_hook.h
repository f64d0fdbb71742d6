// The runtime's side of a CPU model's parallel loops (see
// compiler/parallel/BindParallelCalls.cpp): the library exports
//   void omc_threads_bind(void *hook);
// and calls hook(task, context, first, last) for each parallel loop; the hook runs
// it on the thread pool with the thread count of the run in progress on the
// calling thread. Libraries without parallel loops do not export it.
#ifndef OMC_RUNTIME_SRC_PARALLEL_HOOK_H
#define OMC_RUNTIME_SRC_PARALLEL_HOOK_H

#include <cstdint>

namespace omc {

// Hands the pool to the library, if it has parallel loops.
void bindThreads(void *library);

// While alive, the calling thread's model runs use `threads` threads (>= 1).
class ThreadBudget {
public:
  explicit ThreadBudget(int64_t threads);
  ~ThreadBudget();
  ThreadBudget(const ThreadBudget &) = delete;
  ThreadBudget &operator=(const ThreadBudget &) = delete;

private:
  int64_t previous;
};

} // namespace omc

#endif // OMC_RUNTIME_SRC_PARALLEL_HOOK_H
