// See thread_pool.h. Workers spin briefly before they sleep (and callers before they
// wait): a model's parallel loops follow each other within microseconds, and a
// futex wake-up costs tens of them.
#include "runtime/src/thread_pool.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace omc {
namespace {

thread_local bool isWorker = false;

constexpr auto kSpin = std::chrono::microseconds(100);

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until ready() or kSpin passes; true when ready() held.
template <typename Ready> bool spinUntil(Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; ++i) {
    if (ready())
      return true;
    relax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline)
      return false;
  }
}

struct Job {
  ParallelTask task;
  void *context;
  int64_t first, count, parts;
  std::atomic<int64_t> next{0}; // the next part to claim
  std::atomic<int64_t> done{0}; // parts finished

  void runPart(int64_t part) const {
    // Even static split: part p gets [count * p / parts, count * (p + 1) / parts).
    int64_t begin = first + count * part / parts;
    int64_t end = first + count * (part + 1) / parts;
    if (begin < end)
      task(context, begin, end);
  }
};

} // namespace

struct ThreadPool::State {
  std::mutex mutex;
  std::condition_variable wake;     // workers: a job was queued
  std::condition_variable finished; // callers: a job's last part finished
  std::deque<Job *> queue;          // jobs with parts left to claim
  std::atomic<int64_t> queued{0};   // queue.size(), read while spinning
  std::vector<std::thread> workers;

  // Claims a part of the front job; the caller holds the mutex. Null when none.
  Job *claim(int64_t *part) {
    while (!queue.empty()) {
      Job *job = queue.front();
      *part = job->next.fetch_add(1);
      if (*part + 1 >= job->parts) {
        queue.pop_front();
        queued.store(int64_t(queue.size()), std::memory_order_relaxed);
      }
      if (*part < job->parts)
        return job;
    }
    return nullptr;
  }

  void finish(Job *job) {
    int64_t parts = job->parts;
    // The caller may return (and the job go) as soon as done reaches parts.
    if (job->done.fetch_add(1) + 1 == parts) {
      std::lock_guard<std::mutex> lock(mutex);
      finished.notify_all();
    }
  }

  void work() {
    isWorker = true;
    for (;;) {
      spinUntil([&] { return queued.load(std::memory_order_relaxed) > 0; });
      Job *job;
      int64_t part;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return !queue.empty(); });
        job = claim(&part);
      }
      if (job) {
        job->runPart(part);
        finish(job);
      }
    }
  }
};

ThreadPool::ThreadPool() : state(new State) {}

ThreadPool &ThreadPool::instance() {
  // Leaked on purpose: destroying it at exit would race with workers still waiting.
  static ThreadPool *pool = new ThreadPool;
  return *pool;
}

bool ThreadPool::onWorker() { return isWorker; }

int64_t ThreadPool::workerCount() {
  std::lock_guard<std::mutex> lock(state->mutex);
  return int64_t(state->workers.size());
}

void ThreadPool::run(ParallelTask task, void *context, int64_t first, int64_t last,
                     int64_t parts, int64_t threads) {
  int64_t count = last - first;
  if (count <= 0)
    return;
  parts = std::max<int64_t>(1, std::min(parts, count));
  threads = threads <= 0 ? parts : std::min(threads, parts);
  if (parts == 1) {
    task(context, first, last);
    return;
  }
  Job job;
  job.task = task;
  job.context = context;
  job.first = first;
  job.count = count;
  job.parts = parts;
  // The caller takes the first part before anyone can: it always works too.
  int64_t part = job.next.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    while (int64_t(state->workers.size()) < threads - 1)
      state->workers.emplace_back([s = state] { s->work(); });
    state->queue.push_back(&job);
    state->queued.store(int64_t(state->queue.size()), std::memory_order_relaxed);
  }
  state->wake.notify_all();
  // The caller's share: its first part, then whatever parts no worker took first.
  do {
    job.runPart(part);
    job.done.fetch_add(1);
  } while ((part = job.next.fetch_add(1)) < parts);
  {
    // No worker can reach the job once it is out of the queue.
    std::lock_guard<std::mutex> lock(state->mutex);
    auto it = std::find(state->queue.begin(), state->queue.end(), &job);
    if (it != state->queue.end()) {
      state->queue.erase(it);
      state->queued.store(int64_t(state->queue.size()), std::memory_order_relaxed);
    }
  }
  if (spinUntil([&] { return job.done.load() == parts; }))
    return;
  std::unique_lock<std::mutex> lock(state->mutex);
  state->finished.wait(lock, [&] { return job.done.load() == parts; });
}

int64_t availableCores() {
  static const int64_t cores = [] {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int64_t count = online > 0 ? online : 1;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
      int allowed = CPU_COUNT(&set);
      if (allowed > 0 && allowed < count)
        count = allowed;
    }
    return count;
  }();
  return cores;
}

} // namespace omc
