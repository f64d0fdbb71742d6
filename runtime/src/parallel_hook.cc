// See parallel_hook.h.
#include "runtime/src/parallel_hook.h"

#include <dlfcn.h>

#include "runtime/src/thread_pool.h"

namespace omc {
namespace {

// Threads for the parallel loops of the run on this thread; 1 outside runs.
thread_local int64_t budget = 1;
// Parts each loop is cut into per thread (see parallelFor).
constexpr int64_t kPartsPerThread = 4;
// Set while this thread runs a part of a parallel loop: a loop inside it (a model
// that calls another parallel loop from one) runs serially rather than wait on
// workers that may all be busy with the outer one.
thread_local bool insideLoop = false;

void parallelFor(ParallelTask task, void *context, int64_t first, int64_t last) {
  if (last <= first)
    return;
  if (budget <= 1 || insideLoop || ThreadPool::onWorker()) {
    task(context, first, last);
    return;
  }
  insideLoop = true;
  // Several parts per thread, claimed as threads come free: a worker that wakes late,
  // or a core the machine lends elsewhere for a moment, then costs one small part, not
  // half of the loop.
  ThreadPool::instance().run(task, context, first, last, budget * kPartsPerThread, budget);
  insideLoop = false;
}

using BindFunction = void (*)(void *hook);

} // namespace

void bindThreads(void *library) {
  if (auto bind = reinterpret_cast<BindFunction>(dlsym(library, "omc_threads_bind")))
    bind(reinterpret_cast<void *>(&parallelFor));
}

ThreadBudget::ThreadBudget(int64_t threads) : previous(budget) {
  budget = threads < 1 ? 1 : threads;
}

ThreadBudget::~ThreadBudget() { budget = previous; }

} // namespace omc
