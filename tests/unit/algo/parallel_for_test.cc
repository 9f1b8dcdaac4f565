#include "recotem/algo/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace recotem {
namespace {

TEST(ParallelFor, CoversEveryIndexExactlyOnce) {
  for (int threads : {1, 3, 8}) {
    std::vector<std::atomic<int>> hits(1001);
    ParallelFor(1001, 7, threads, [&](int64_t begin, int64_t end, int) {
      for (int64_t i = begin; i < end; ++i) hits[i]++;
    });
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
}

TEST(ParallelFor, WorkerIdsStayBelowTheWorkerCount) {
  const int workers = ParallelWorkers(100, 10, 4);
  EXPECT_EQ(workers, 4);
  EXPECT_EQ(ParallelWorkers(3, 10, 4), 1);
  std::atomic<int> max_worker{0};
  ParallelFor(100, 10, 4, [&](int64_t, int64_t, int worker) {
    int seen = max_worker.load();
    while (worker > seen && !max_worker.compare_exchange_weak(seen, worker)) {
    }
  });
  EXPECT_LT(max_worker.load(), workers);
}

TEST(ParallelFor, RethrowsTheFirstExceptionOnTheCaller) {
  EXPECT_THROW(ParallelFor(100, 1, 4,
                           [](int64_t begin, int64_t, int) {
                             if (begin == 42) throw std::runtime_error("boom");
                           }),
               std::runtime_error);
}

TEST(ParallelFor, ConcurrentAndNestedCallsAllComplete) {
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        ParallelFor(64, 4, 3, [&](int64_t begin, int64_t end, int) {
          // A loop inside a loop body runs inline on the same thread.
          ParallelFor(end - begin, 1, 3, [&](int64_t b, int64_t e, int worker) {
            EXPECT_EQ(worker, 0);
            total += e - b;
          });
        });
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 50 * 64);
}

TEST(ParallelFor, DefaultThreadCountCanBeOverridden) {
  SetDefaultThreadCount(3);
  EXPECT_EQ(DefaultThreadCount(), 3);
  EXPECT_EQ(ResolveThreadCount(0), 3);
  EXPECT_EQ(ResolveThreadCount(5), 5);
  SetDefaultThreadCount(0);
  EXPECT_GE(DefaultThreadCount(), 1);
}

}  // namespace
}  // namespace recotem
