// Artifact stats for the watcher's poll phase (serving.md §9.3): the stat
// marker of one output path, and a fixed pool that stats many paths in
// parallel and gives up on the ones that make no progress within a
// timeout, so one hung filesystem cannot stall a tick or SIGTERM.
//
// Thread-safety: StatPool's methods may be called from any thread; a
// StatFunction runs on pool threads and must be thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace recotem::serve {

inline constexpr size_t kStatPoolWorkers = 16;

// What a stat found: a marker, a missing file, or an error class.
struct StatOutcome {
  std::optional<std::string> marker;  // "mtime_ns:size" when the file exists
  bool missing = false;               // ENOENT / ENOTDIR: no marker, no error
  std::string error_class;            // set for any other failure
  std::string error;                  // its message
};

using StatFunction = std::function<StatOutcome(const std::string& output_path)>;

// stat(2) of a local output path (or file:// URI); object-store URIs are an
// error (this build cannot read them).
StatOutcome StatLocalArtifact(const std::string& output_path);

struct StatRequest {
  std::string name;
  std::string output_path;
};

struct StatResult {
  std::string name;
  std::optional<StatOutcome> outcome;  // nullopt: abandoned after the timeout
  std::string exception;               // the stat function itself threw (its message)
};

class StatPool {
 public:
  explicit StatPool(StatFunction stat, size_t workers = kStatPoolWorkers);
  ~StatPool();  // Shutdown()
  StatPool(const StatPool&) = delete;
  StatPool& operator=(const StatPool&) = delete;

  // Stats every request in parallel. Returns results in completion order;
  // requests still running when no stat has finished for `timeout` (or when
  // Cancel() is called) come last with outcome nullopt.
  std::vector<StatResult> StatAll(const std::vector<StatRequest>& requests,
                                  std::chrono::milliseconds timeout);
  // Drops queued stats and wakes a waiting StatAll(); running stats are not
  // interrupted.
  void Cancel();
  // Cancel() and stop the workers without waiting for a blocked stat (its
  // thread is detached and exits when the stat returns).
  void Shutdown();

 private:
  struct Batch;
  struct Queue;  // shared with the workers, so a detached one stays valid

  StatFunction stat_;
  size_t n_workers_;
  std::shared_ptr<Queue> queue_;
  std::mutex batch_mu_;
  std::shared_ptr<Batch> current_;
  std::vector<std::thread> workers_;
};

}  // namespace recotem::serve
