#include "recotem/algo/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace recotem {

namespace {
std::atomic<int> g_default_threads{0};
}  // namespace

int DefaultThreadCount() {
  int n = g_default_threads.load(std::memory_order_relaxed);
  if (n > 0) return n;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void SetDefaultThreadCount(int n_threads) {
  g_default_threads.store(std::max(0, n_threads), std::memory_order_relaxed);
}

int ResolveThreadCount(int requested) { return requested > 0 ? requested : DefaultThreadCount(); }

int ParallelWorkers(int64_t n, int64_t chunk, int n_threads) {
  if (n <= 0) return 1;
  chunk = std::max<int64_t>(1, chunk);
  int64_t n_chunks = (n + chunk - 1) / chunk;
  return static_cast<int>(std::min<int64_t>(ResolveThreadCount(n_threads), n_chunks));
}

void ParallelFor(int64_t n, int64_t chunk, int n_threads,
                 const std::function<void(int64_t begin, int64_t end, int worker)>& fn) {
  if (n <= 0) return;
  chunk = std::max<int64_t>(1, chunk);
  int workers = ParallelWorkers(n, chunk, n_threads);
  if (workers == 1) {
    for (int64_t begin = 0; begin < n; begin += chunk) fn(begin, std::min(n, begin + chunk), 0);
    return;
  }
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](int worker) {
    while (!failed.load(std::memory_order_relaxed)) {
      int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= n) break;
      try {
        fn(begin, std::min(n, begin + chunk), worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers - 1));
  for (int w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace recotem
