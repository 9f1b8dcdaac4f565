#include "recotem/algo/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace recotem {

namespace {

std::atomic<int> g_default_threads{0};

// A thread that would block (a helper out of work, the caller waiting for
// its helpers) first spins this long: waking a thread blocked on a futex costs
// 30–80 µs on a virtual machine, a large share of the millisecond-sized loops
// an IALS fit issues by the dozen. Spinning is bounded, so an idle process
// stops using CPU right after its last loop.
constexpr std::chrono::microseconds kSpinBeforeBlocking{200};

// Spins until pred() holds or kSpinBeforeBlocking has passed; true if it holds.
template <typename Pred>
bool SpinFor(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + kSpinBeforeBlocking;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (pred()) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= deadline) return pred();
  }
}

// True while a thread runs a ParallelFor body (pool threads always): a
// ParallelFor issued from inside a loop body runs inline instead of waiting
// for workers that are all busy.
thread_local bool t_inside_loop = false;

// Sets t_inside_loop for a scope.
class InsideLoop {
 public:
  InsideLoop() : previous_(t_inside_loop) { t_inside_loop = true; }
  ~InsideLoop() { t_inside_loop = previous_; }
  InsideLoop(const InsideLoop&) = delete;
  InsideLoop& operator=(const InsideLoop&) = delete;

 private:
  bool previous_;
};

// One ParallelFor call: chunks are claimed from `next` by the caller
// (worker 0) and by up to `helpers_wanted` pool threads (workers 1…).
struct Job {
  const std::function<void(int64_t, int64_t, int)>* fn = nullptr;
  int64_t n = 0;
  int64_t chunk = 1;
  int helpers_wanted = 0;
  int helpers_joined = 0;               // guarded by the pool mutex
  std::atomic<int> helpers_running{0};  // changed under the pool mutex
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;  // guarded by the pool mutex
  std::condition_variable helpers_done;

  void Run(int worker, std::mutex& mutex) {
    while (!failed.load(std::memory_order_relaxed)) {
      int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= n) break;
      try {
        (*fn)(begin, std::min(n, begin + chunk), worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  }
};

// Threads kept for the life of the process (started on first use, grown on
// demand), so short loops do not pay for thread creation on every call.
class WorkerPool {
 public:
  static WorkerPool& Instance() {
    static WorkerPool* pool = new WorkerPool();  // never destroyed: threads may outlive main
    return *pool;
  }

  void Run(Job& job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(threads_.size()) < job.helpers_wanted) {
        threads_.emplace_back([this] { Work(); });
      }
      queue_.push_back(&job);
      queued_.store(queue_.size(), std::memory_order_relaxed);
    }
    wake_.notify_all();
    {
      InsideLoop inside;
      job.Run(0, mutex_);
    }
    std::unique_lock<std::mutex> lock(mutex_);
    // No helper may join once the caller has finished its share.
    auto it = std::find(queue_.begin(), queue_.end(), &job);
    if (it != queue_.end()) {
      queue_.erase(it);
      queued_.store(queue_.size(), std::memory_order_relaxed);
    }
    auto finished = [&] { return job.helpers_running.load(std::memory_order_acquire) == 0; };
    if (!finished()) {
      lock.unlock();
      SpinFor(finished);
      lock.lock();
      job.helpers_done.wait(lock, finished);
    }
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
  void Work() {
    t_inside_loop = true;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        lock.unlock();
        SpinFor([&] { return queued_.load(std::memory_order_relaxed) > 0; });
        lock.lock();
        wake_.wait(lock, [&] { return !queue_.empty(); });
      }
      Job* job = queue_.front();
      const int worker = ++job->helpers_joined;
      job->helpers_running.fetch_add(1, std::memory_order_relaxed);
      if (job->helpers_joined >= job->helpers_wanted) {
        queue_.pop_front();
        queued_.store(queue_.size(), std::memory_order_relaxed);
      }
      lock.unlock();
      job->Run(worker, mutex_);
      lock.lock();
      if (job->helpers_running.fetch_sub(1, std::memory_order_release) == 1) {
        job->helpers_done.notify_all();
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  std::atomic<size_t> queued_{0};  // queue_.size(), readable without the mutex
  std::vector<std::thread> threads_;
};

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
  const int workers = ParallelWorkers(n, chunk, n_threads);
  if (workers == 1 || t_inside_loop) {
    InsideLoop inside;
    for (int64_t begin = 0; begin < n; begin += chunk) fn(begin, std::min(n, begin + chunk), 0);
    return;
  }
  Job job;
  job.fn = &fn;
  job.n = n;
  job.chunk = chunk;
  job.helpers_wanted = workers - 1;
  WorkerPool::Instance().Run(job);
}

}  // namespace recotem
