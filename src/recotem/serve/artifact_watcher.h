// ArtifactWatcher: the background thread that keeps the registry in step
// with the recipes directory and the artifacts on disk (serving.md §9).
//
// Every interval (RECOTEM_WATCH_INTERVAL ±10 % jitter) one tick runs:
// (a) rescan — list *.yaml, re-parse files whose mtime changed, discover new
//     recipes (discovery stub + forced load this tick), turn broken new files
//     into stubs, mark known recipes whose YAML broke, remove recipes whose
//     file is gone;
// (b) poll — stat every tracked artifact in parallel (StatPool, per-tick
//     progress timeout), and for a changed (mtime, size) marker read,
//     hash, verify and decode the artifact on this thread. Same SHA-256 as
//     the serving model: nothing is swapped. A failure never replaces a
//     serving model; it only sets the entry's error (stale-but-loaded).
// Failed ticks are counted; five in a row mark every recipe
// `watcher unhealthy` until a good tick clears exactly that error.
//
// Deviations (docs/compatibility.md): an edited YAML of a known recipe is
// re-read and its artifact and metadata reloaded; an error is cleared when
// the artifact on disk turns out to be the one already serving.
//
// Publication goes through ModelRegistry::Replace (atomic shared_ptr swap),
// so requests never see a half-loaded model and never wait for a load.
//
// Thread-safety: Start/Stop/Join from one controlling thread; Tick() is
// public for tests and must not run concurrently with the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "recotem/artifact/key_ring.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe.h"
#include "recotem/serve/artifact_stat.h"
#include "recotem/serve/model_loader.h"
#include "recotem/serve/model_registry.h"
#include "recotem/serve/serve_config.h"
#include "recotem/serve/serve_metrics.h"
#include "recotem/serve/startup_loader.h"

namespace recotem::serve {

inline constexpr int kWatcherUnhealthyThreshold = 5;
inline constexpr int kRepeatedPostHmacFailureThreshold = 3;
inline constexpr double kWatchJitterFraction = 0.1;
inline constexpr double kMinWatchSleepSeconds = 0.1;
inline constexpr const char* kWatcherUnhealthyError = "watcher unhealthy";
inline constexpr const char* kArtifactMissingError = "artifact missing or unreadable";

struct WatcherOptions {
  double interval_seconds = kDefaultWatchIntervalSeconds;
  StatFunction stat = StatLocalArtifact;  // replaceable in tests
  // Called at the start of every tick; what it throws fails the tick (tests
  // use it to inject failures).
  std::function<void()> on_tick;
};

class ArtifactWatcher {
 public:
  // Takes over the start-up state: loaded recipes get their current stat
  // marker (so the first tick does not reload them); stubs get none (so the
  // first tick retries them). All references must outlive the watcher.
  ArtifactWatcher(std::filesystem::path recipes_dir, const ServeConfig& config, const KeyRing* ring,
                  ModelRegistry& registry, ServeMetrics& metrics, const StartupLoadResult& startup,
                  WatcherOptions options);
  ~ArtifactWatcher();  // Stop() + Join(0)
  ArtifactWatcher(const ArtifactWatcher&) = delete;
  ArtifactWatcher& operator=(const ArtifactWatcher&) = delete;

  // Starts the thread; logs artifact_watcher_started {interval}.
  void Start();
  // Sets the stop flag, interrupts the sleep and cancels queued stats.
  void Stop();
  // Waits up to `timeout` for the thread to end; false (and the thread
  // detached, log artifact_watcher_join_timeout) when it did not.
  bool Join(std::chrono::milliseconds timeout);

  // One rescan + poll. Throws what the tick could not handle (the loop
  // counts it as a failed tick).
  void Tick();
  // One loop iteration's failure accounting around Tick(); returns false
  // when the thread must end (out of memory).
  bool RunTick();

 private:
  // What the watcher remembers about one recipe name.
  struct Tracked {
    std::optional<Recipe> recipe;       // nullopt: a YAML-failure stub
    std::filesystem::path file;         // the YAML it came from
    std::optional<std::string> marker;  // last remembered stat marker
    bool force_reload = false;          // reload even when the SHA matches
    std::string last_stat_error_class;
    int post_hmac_failures = 0;
  };
  struct ParsedFile {
    std::filesystem::file_time_type mtime;
    std::optional<Recipe> recipe;
    std::string error;
  };

  void Loop();
  double NextSleepSeconds();

  // Rescan (artifact_watcher_rescan.cc).
  void Rescan();
  std::vector<std::filesystem::path> ListYamlFiles();
  const ParsedFile& ParseCached(const std::filesystem::path& file, bool* reparsed);
  void OnParseFailure(const std::filesystem::path& file, const ParsedFile& parsed,
                      std::set<std::string>& seen);
  void OnParsed(const std::filesystem::path& file, const Recipe& recipe, bool reparsed,
                std::set<std::string>& seen);
  void RemoveUnseen(const std::set<std::string>& seen);
  std::string UniqueStubName(const std::string& stem) const;

  // Poll and load (artifact_watcher.cc).
  void Poll();
  void HandleStat(const std::string& name, const StatResult& result);
  void LoadAndSwap(const std::string& name, Tracked& tracked, const std::string& marker);
  void OnLoadFailure(const std::string& name, Tracked& tracked, const LoadFailure& failure);
  void SetError(const std::string& name, const std::string& error);
  void CountLoadFailure(const std::string& name, LoadFailureReason reason, bool swap_error);
  void UpdateActiveRecipes();
  void MarkUnhealthy();
  void ClearUnhealthy();

  std::filesystem::path recipes_dir_;
  const ServeConfig& config_;
  const KeyRing* ring_;
  ModelRegistry& registry_;
  ServeMetrics& metrics_;
  WatcherOptions options_;
  log::Logger logger_;
  StatPool stat_pool_;
  std::mt19937_64 rng_;

  std::map<std::string, Tracked> tracked_;
  std::map<std::filesystem::path, ParsedFile> parse_cache_;
  std::map<std::filesystem::path, std::string> file_names_;  // YAML file → recipe name
  int consecutive_errors_ = 0;
  bool unhealthy_ = false;

  std::atomic<bool> stop_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace recotem::serve
