// A persistent pool of worker threads for the parallel loops of compiled models:
// one per process, grown on demand to the largest thread count asked for, never
// shrunk. A loop's iterations are split statically into even parts, which threads
// claim one at a time; the calling thread runs parts too, so a run with N threads uses
// N - 1 workers and itself.
// Several threads may call run() at once (their jobs queue up); a caller always
// finishes its own job even when every worker is busy, so nothing deadlocks.
#ifndef OMC_RUNTIME_SRC_THREAD_POOL_H
#define OMC_RUNTIME_SRC_THREAD_POOL_H

#include <cstdint>

namespace omc {

// One part of a loop: iterations [first, last) of the model's chunk function.
using ParallelTask = void (*)(void *context, int64_t first, int64_t last);

class ThreadPool {
public:
  // The process's pool (created on first use, kept until exit).
  static ThreadPool &instance();

  // Runs task over [first, last) in `parts` even ranges (parts >= 1, clamped to the
  // iteration count) on at most `threads` threads, the caller included (0: one per
  // part), each claiming the next part when it comes free, and returns when all are done.
  void run(ParallelTask task, void *context, int64_t first, int64_t last, int64_t parts,
           int64_t threads = 0);

  // Workers started so far (for tests).
  int64_t workerCount();

  // True on a pool worker thread.
  static bool onWorker();

  struct State;

private:
  ThreadPool();
  State *state; // never freed: workers may still wait on it at exit
};

// The number of cores this process may run on: the online cores, capped by its
// CPU affinity mask; at least 1.
int64_t availableCores();

} // namespace omc

#endif // OMC_RUNTIME_SRC_THREAD_POOL_H
