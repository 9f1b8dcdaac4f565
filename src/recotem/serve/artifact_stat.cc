#include "recotem/serve/artifact_stat.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include "recotem/serve/exception_name.h"
#include "recotem/serve/model_loader.h"

namespace recotem::serve {

struct StatPool::Queue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
};

// One StatAll() call: finished results and the number still outstanding.
struct StatPool::Batch {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<StatResult> done;
  size_t outstanding = 0;
  bool cancelled = false;
};

StatOutcome StatLocalArtifact(const std::string& output_path) {
  StatOutcome outcome;
  std::optional<std::string> local = LocalArtifactPath(output_path);
  if (!local) {
    outcome.error_class = "NotImplementedError";
    outcome.error = "object-store artifact paths are not supported by this build";
    return outcome;
  }
  struct stat st {};
  if (::stat(local->c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      outcome.missing = true;
    } else {
      outcome.error_class = OsErrorClassName(err);
      outcome.error = std::strerror(err);
    }
    return outcome;
  }
  int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  outcome.marker = std::to_string(mtime_ns) + ":" + std::to_string(st.st_size);
  return outcome;
}

StatPool::StatPool(StatFunction stat, size_t workers)
    : stat_(std::move(stat)), n_workers_(workers), queue_(std::make_shared<Queue>()) {}

StatPool::~StatPool() { Shutdown(); }

std::vector<StatResult> StatPool::StatAll(const std::vector<StatRequest>& requests,
                                          std::chrono::milliseconds timeout) {
  if (workers_.empty()) {
    for (size_t i = 0; i < n_workers_; ++i) {
      workers_.emplace_back([queue = queue_] {
        for (;;) {
          std::function<void()> task;
          {
            std::unique_lock<std::mutex> lock(queue->mu);
            queue->cv.wait(lock, [&] { return queue->stopping || !queue->tasks.empty(); });
            if (queue->stopping) {
              return;
            }
            task = std::move(queue->tasks.front());
            queue->tasks.pop_front();
          }
          task();
        }
      });
    }
  }
  auto batch = std::make_shared<Batch>();
  batch->outstanding = requests.size();
  {
    std::lock_guard<std::mutex> lock(batch_mu_);
    current_ = batch;
  }
  {
    std::lock_guard<std::mutex> lock(queue_->mu);
    for (const StatRequest& request : requests) {
      queue_->tasks.emplace_back([batch, request, stat = stat_] {
        StatResult result{request.name, std::nullopt, ""};
        try {
          result.outcome = stat(request.output_path);
        } catch (const std::exception& e) {
          result.exception = e.what();
        }
        std::lock_guard<std::mutex> lock(batch->mu);
        if (!batch->cancelled) {
          batch->done.push_back(std::move(result));
          --batch->outstanding;
          batch->cv.notify_all();
        }
      });
    }
  }
  queue_->cv.notify_all();

  std::unique_lock<std::mutex> lock(batch->mu);
  while (batch->outstanding > 0 && !batch->cancelled) {
    size_t before = batch->done.size();
    // Wait for progress: at least one more stat finishing within `timeout`.
    if (!batch->cv.wait_for(lock, timeout, [&] {
          return batch->done.size() > before || batch->cancelled || batch->outstanding == 0;
        })) {
      break;
    }
  }
  batch->cancelled = true;  // late finishers are ignored from now on
  std::vector<StatResult> results = std::move(batch->done);
  std::vector<bool> finished(requests.size(), false);
  for (const StatResult& r : results) {
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!finished[i] && requests[i].name == r.name) {
        finished[i] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!finished[i]) {
      results.push_back({requests[i].name, std::nullopt, ""});
    }
  }
  return results;
}

void StatPool::Cancel() {
  {
    std::lock_guard<std::mutex> lock(queue_->mu);
    queue_->tasks.clear();
  }
  std::lock_guard<std::mutex> lock(batch_mu_);
  if (current_) {
    std::lock_guard<std::mutex> batch_lock(current_->mu);
    current_->cancelled = true;
    current_->cv.notify_all();
  }
}

void StatPool::Shutdown() {
  Cancel();
  {
    std::lock_guard<std::mutex> lock(queue_->mu);
    queue_->stopping = true;
  }
  queue_->cv.notify_all();
  for (std::thread& worker : workers_) {
    worker.detach();
  }
  workers_.clear();
}

}  // namespace recotem::serve
