// The runtime's thread pool: every iteration runs exactly once, in even static
// parts, on more than one thread, and callers from many threads at once (or from
// inside a part) finish without deadlock.
#include "runtime/src/thread_pool.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  explicit Coverage(int64_t n) : hits(n) {}
};

void cover(void *context, int64_t first, int64_t last) {
  auto *coverage = static_cast<Coverage *>(context);
  for (int64_t i = first; i < last; ++i)
    coverage->hits[i].fetch_add(1);
  std::lock_guard<std::mutex> lock(coverage->mutex);
  coverage->ranges.push_back({first, last});
}

TEST(ThreadPool, EveryIterationOnceInEvenParts) {
  for (int64_t count : {0, 1, 2, 3, 7, 10, 1000}) {
    for (int64_t parts : {1, 2, 3, 4, 16}) {
      Coverage coverage(count);
      omc::ThreadPool::instance().run(&cover, &coverage, 0, count, parts);
      for (int64_t i = 0; i < count; ++i)
        ASSERT_EQ(coverage.hits[i].load(), 1) << "count " << count << " parts " << parts;
      int64_t expectedParts = std::min(parts, count);
      ASSERT_EQ(int64_t(coverage.ranges.size()), expectedParts);
      for (auto [first, last] : coverage.ranges) {
        // Even: every part has floor(count / parts) or one more iterations.
        EXPECT_GE(last - first, count / expectedParts);
        EXPECT_LE(last - first, count / expectedParts + 1);
      }
    }
  }
}

TEST(ThreadPool, MorePartsThanThreads) {
  Coverage coverage(1000);
  omc::ThreadPool::instance().run(&cover, &coverage, 0, 1000, 8, 2);
  for (int64_t i = 0; i < 1000; ++i)
    ASSERT_EQ(coverage.hits[i].load(), 1) << i;
  ASSERT_EQ(coverage.ranges.size(), 8u);
  for (auto [first, last] : coverage.ranges)
    EXPECT_EQ(last - first, 125);
}

TEST(ThreadPool, OffsetRange) {
  Coverage coverage(20);
  omc::ThreadPool::instance().run(&cover, &coverage, 5, 17, 2);
  for (int64_t i = 0; i < 20; ++i)
    EXPECT_EQ(coverage.hits[i].load(), i >= 5 && i < 17 ? 1 : 0) << i;
  std::set<std::pair<int64_t, int64_t>> ranges(coverage.ranges.begin(), coverage.ranges.end());
  EXPECT_EQ(ranges, (std::set<std::pair<int64_t, int64_t>>{{5, 11}, {11, 17}}));
}

// Each part waits until both parts have started: passes only if two threads run them.
struct Rendezvous {
  std::atomic<int> arrived{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  bool met = true;
};

void meet(void *context, int64_t, int64_t) {
  auto *rendezvous = static_cast<Rendezvous *>(context);
  {
    std::lock_guard<std::mutex> lock(rendezvous->mutex);
    rendezvous->threads.insert(std::this_thread::get_id());
  }
  rendezvous->arrived.fetch_add(1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (rendezvous->arrived.load() < 2) {
    if (std::chrono::steady_clock::now() > deadline) {
      rendezvous->met = false;
      return;
    }
    std::this_thread::yield();
  }
}

TEST(ThreadPool, CallerAndWorkerShareTheLoop) {
  Rendezvous rendezvous;
  omc::ThreadPool::instance().run(&meet, &rendezvous, 0, 2, 2);
  EXPECT_TRUE(rendezvous.met);
  EXPECT_EQ(rendezvous.threads.size(), 2u);
  EXPECT_TRUE(rendezvous.threads.count(std::this_thread::get_id()));
  EXPECT_FALSE(omc::ThreadPool::onWorker());
}

TEST(ThreadPool, WorkersGrowToTheLargestRequestOnly) {
  Coverage coverage(64);
  omc::ThreadPool::instance().run(&cover, &coverage, 0, 64, 3);
  int64_t workers = omc::ThreadPool::instance().workerCount();
  EXPECT_GE(workers, 2);
  omc::ThreadPool::instance().run(&cover, &coverage, 0, 64, 2);
  EXPECT_EQ(omc::ThreadPool::instance().workerCount(), workers);
}

struct Sum {
  std::atomic<int64_t> total{0};
};

void add(void *context, int64_t first, int64_t last) {
  int64_t local = 0;
  for (int64_t i = first; i < last; ++i)
    local += i;
  static_cast<Sum *>(context)->total.fetch_add(local);
}

TEST(ThreadPool, ConcurrentCallersFinish) {
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 12; ++t)
    callers.emplace_back([&, t] {
      for (int round = 0; round < 300; ++round) {
        Sum sum;
        int64_t n = 100 + round;
        omc::ThreadPool::instance().run(&add, &sum, 0, n, 2 + (t + round) % 3);
        if (sum.total.load() != n * (n - 1) / 2)
          wrong.fetch_add(1);
      }
    });
  for (std::thread &caller : callers)
    caller.join();
  EXPECT_EQ(wrong.load(), 0);
}

void nested(void *context, int64_t first, int64_t last) {
  for (int64_t i = first; i < last; ++i) {
    Sum inner;
    omc::ThreadPool::instance().run(&add, &inner, 0, 50, 2);
    if (inner.total.load() == 50 * 49 / 2)
      static_cast<Sum *>(context)->total.fetch_add(1);
  }
}

TEST(ThreadPool, NestedRunsFinish) {
  Sum done;
  omc::ThreadPool::instance().run(&nested, &done, 0, 8, 2);
  EXPECT_EQ(done.total.load(), 8);
}

TEST(ThreadPool, AvailableCores) {
  int64_t cores = omc::availableCores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, sysconf(_SC_NPROCESSORS_ONLN));
}

} // namespace
