#include "recotem/serve/artifact_watcher.h"

#include <algorithm>
#include <cmath>
#include <new>

#include "recotem/core/events.h"
#include "recotem/serve/exception_name.h"

namespace recotem::serve {
namespace {

constexpr const char* kStatFailedPrefix = "stat failed: ";
constexpr const char* kReadFailedPrefix = "read failed: ";
constexpr const char* kUnexpectedReadErrorPrefix = "unexpected read error: ";
constexpr const char* kStatTimeoutLabel = "stat_timeout";
constexpr double kMaxStatTimeoutSeconds = 30.0;
constexpr double kMinStatTimeoutSeconds = 1.0;

// T = max(1, min(I, 30)) seconds (§9.3 step 3).
std::chrono::milliseconds StatTimeout(double interval_seconds) {
  double t = std::max(kMinStatTimeoutSeconds, std::min(interval_seconds, kMaxStatTimeoutSeconds));
  return std::chrono::milliseconds(static_cast<int64_t>(t * 1000));
}

std::string SecondsText(std::chrono::milliseconds ms) {
  double s = static_cast<double>(ms.count()) / 1000.0;
  if (s == std::floor(s)) {
    return std::to_string(static_cast<int64_t>(s));
  }
  std::string text = std::to_string(s);
  text.erase(text.find_last_not_of('0') + 1);
  return text;
}

// The class name the original would show for a non-artifact failure.
std::string UnexpectedClassName(LoadStage stage) {
  return stage == LoadStage::kMetadata ? "MetadataLoadError" : "RuntimeError";
}

}  // namespace

ArtifactWatcher::ArtifactWatcher(std::filesystem::path recipes_dir, const ServeConfig& config,
                                 const KeyRing* ring, ModelRegistry& registry,
                                 ServeMetrics& metrics, const StartupLoadResult& startup,
                                 WatcherOptions options)
    : recipes_dir_(std::move(recipes_dir)),
      config_(config),
      ring_(ring),
      registry_(registry),
      metrics_(metrics),
      options_(std::move(options)),
      logger_("recotem.serving.watcher"),
      stat_pool_(options_.stat),
      rng_(std::random_device{}()) {
  for (const Recipe& recipe : startup.recipes) {
    Tracked tracked{recipe, recipe.file_path, std::nullopt, false, "", 0};
    ModelRegistry::EntryPtr entry = registry_.Find(recipe.name);
    if (entry && entry->loaded) {
      StatOutcome outcome = options_.stat(recipe.output.path);
      tracked.marker = outcome.marker;  // a stat error leaves none: reload next tick
    }
    file_names_[recipe.file_path] = recipe.name;
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(recipe.file_path, ec);
    if (!ec) {  // parsed at start-up: the first rescan need not parse it again
      parse_cache_[recipe.file_path] = ParsedFile{mtime, recipe, ""};
    }
    tracked_[recipe.name] = std::move(tracked);
  }
  for (const auto& [file, name] : startup.yaml_stubs) {
    tracked_[name] = Tracked{std::nullopt, file, std::nullopt, false, "", 0};
    file_names_[file] = name;
  }
}

ArtifactWatcher::~ArtifactWatcher() {
  Stop();
  if (thread_.joinable()) {
    Join(std::chrono::milliseconds(0));
  }
}

void ArtifactWatcher::Start() {
  logger_.Info(events::kArtifactWatcherStarted, {{"interval", options_.interval_seconds}});
  thread_ = std::thread([this] { Loop(); });
}

void ArtifactWatcher::Stop() {
  stop_.store(true);
  { std::lock_guard<std::mutex> lock(sleep_mu_); }
  sleep_cv_.notify_all();
  stat_pool_.Cancel();
}

bool ArtifactWatcher::Join(std::chrono::milliseconds timeout) {
  if (!thread_.joinable()) {
    return true;
  }
  std::unique_lock<std::mutex> lock(done_mu_);
  if (!done_cv_.wait_for(lock, timeout, [this] { return done_; })) {
    lock.unlock();
    logger_.Warning(events::kArtifactWatcherJoinTimeout,
                    {{"timeout", static_cast<double>(timeout.count()) / 1000.0}});
    thread_.detach();
    return false;
  }
  lock.unlock();
  thread_.join();
  return true;
}

double ArtifactWatcher::NextSleepSeconds() {
  std::uniform_real_distribution<double> jitter(-1.0, 1.0);
  double interval = options_.interval_seconds;
  return std::max(kMinWatchSleepSeconds, interval + interval * kWatchJitterFraction * jitter(rng_));
}

void ArtifactWatcher::Loop() {
  while (!stop_.load()) {
    {
      std::unique_lock<std::mutex> lock(sleep_mu_);
      auto sleep = std::chrono::duration<double>(NextSleepSeconds());
      if (sleep_cv_.wait_for(lock, sleep, [this] { return stop_.load(); })) {
        break;
      }
    }
    if (!RunTick()) {
      break;
    }
  }
  stat_pool_.Shutdown();
  logger_.Info(events::kArtifactWatcherStopped);
  std::lock_guard<std::mutex> lock(done_mu_);
  done_ = true;
  done_cv_.notify_all();
}

bool ArtifactWatcher::RunTick() {
  try {
    Tick();
  } catch (const std::bad_alloc&) {
    logger_.Error(events::kArtifactWatcherUnhandledError,
                  {{"consecutive_errors", consecutive_errors_ + 1},
                   {"threshold", kWatcherUnhealthyThreshold},
                   {"error", "out of memory"}});
    return false;
  } catch (const std::exception& e) {
    ++consecutive_errors_;
    metrics_.watcher_unhandled_errors.fetch_add(1);
    logger_.Error(events::kArtifactWatcherUnhandledError,
                  {{"consecutive_errors", consecutive_errors_},
                   {"threshold", kWatcherUnhealthyThreshold},
                   {"exc_type", ExceptionClassName(e)},
                   {"error", e.what()}});
    if (consecutive_errors_ >= kWatcherUnhealthyThreshold) {
      MarkUnhealthy();
    }
    return true;
  }
  if (unhealthy_) {
    ClearUnhealthy();
  }
  consecutive_errors_ = 0;
  return true;
}

void ArtifactWatcher::MarkUnhealthy() {
  unhealthy_ = true;
  logger_.Error(events::kArtifactWatcherUnhealthy,
                {{"consecutive_errors", consecutive_errors_},
                 {"threshold", kWatcherUnhealthyThreshold},
                 {"message", "artifact watcher keeps failing; hot swaps are not happening"}});
  for (const ModelRegistry::EntryPtr& entry : registry_.Snapshot()) {
    registry_.SetLoadError(entry->name, std::string(kWatcherUnhealthyError));
  }
}

void ArtifactWatcher::ClearUnhealthy() {
  unhealthy_ = false;
  logger_.Info(events::kArtifactWatcherRecovery);
  for (const ModelRegistry::EntryPtr& entry : registry_.Snapshot()) {
    if (entry->last_load_error == kWatcherUnhealthyError) {
      registry_.SetLoadError(entry->name, std::nullopt);
    }
  }
}

void ArtifactWatcher::Tick() {
  if (options_.on_tick) {
    options_.on_tick();
  }
  Rescan();
  if (!stop_.load()) {
    Poll();
  }
}

void ArtifactWatcher::Poll() {
  std::vector<StatRequest> requests;
  for (const auto& [name, tracked] : tracked_) {
    if (tracked.recipe) {
      requests.push_back({name, tracked.recipe->output.path});
    }
  }
  if (requests.empty()) {
    return;
  }
  std::vector<StatResult> results =
      stat_pool_.StatAll(requests, StatTimeout(options_.interval_seconds));
  for (const StatResult& result : results) {
    if (stop_.load()) {
      return;  // a stop cancels the rest of the tick
    }
    if (tracked_.contains(result.name)) {
      HandleStat(result.name, result);
    }
  }
}

void ArtifactWatcher::HandleStat(const std::string& name, const StatResult& result) {
  Tracked& tracked = tracked_.at(name);
  auto handle = metrics_.ForRecipe(name);
  if (!result.outcome && result.exception.empty()) {
    std::chrono::milliseconds timeout = StatTimeout(options_.interval_seconds);
    logger_.Warning(events::kArtifactStatTimeout,
                    {{"recipe_name", name}, {"timeout", SecondsText(timeout)}});
    metrics_.CountDirScanFailure(kStatTimeoutLabel);
    SetError(name, "stat timeout after " + SecondsText(timeout) + "s");
    CountLoadFailure(name, LoadFailureReason::kTimeout, true);
    return;
  }
  if (!result.outcome) {
    logger_.Warning(
        events::kArtifactStatError,
        {{"recipe_name", name}, {"error", result.exception}, {"exc_type", "Exception"}});
    handle->stat_failures.fetch_add(1);
    return;
  }
  const StatOutcome& outcome = *result.outcome;
  if (outcome.missing) {
    ModelRegistry::EntryPtr entry = registry_.Find(name);
    if (entry && !entry->last_load_error) {
      logger_.Warning(events::kArtifactDisappeared, {{"name", name}});
    }
    tracked.marker.reset();
    SetError(name, kArtifactMissingError);
    CountLoadFailure(name, LoadFailureReason::kRead, false);
    return;
  }
  if (!outcome.marker) {
    log::Fields fields = {
        {"recipe", name}, {"error_class", outcome.error_class}, {"error", outcome.error}};
    if (tracked.last_stat_error_class == outcome.error_class) {
      logger_.Debug(events::kArtifactStatFailedRepeated, std::move(fields));
    } else {
      logger_.Warning(events::kArtifactStatFailed, std::move(fields));
    }
    tracked.last_stat_error_class = outcome.error_class;
    tracked.marker.reset();
    handle->stat_failures.fetch_add(1);
    SetError(name, kStatFailedPrefix + outcome.error_class);
    CountLoadFailure(name, LoadFailureReason::kRead, false);
    return;
  }
  tracked.last_stat_error_class.clear();
  if (tracked.marker == outcome.marker && !tracked.force_reload) {
    return;  // unchanged
  }
  LoadAndSwap(name, tracked, *outcome.marker);
}

void ArtifactWatcher::LoadAndSwap(const std::string& name, Tracked& tracked,
                                  const std::string& marker) {
  RecipeLoadResult result =
      LoadRecipeModel(*tracked.recipe, config_.caps, ring_, config_.metadata_field_deny);
  if (auto* failure = std::get_if<LoadFailure>(&result)) {
    OnLoadFailure(name, tracked, *failure);
    return;  // marker not remembered: retried next tick
  }
  RecipeModel& loaded = std::get<RecipeModel>(result);
  tracked.post_hmac_failures = 0;
  tracked.marker = marker;
  ModelRegistry::EntryPtr current = registry_.Find(name);
  bool same_bytes = current && current->loaded && current->marker &&
                    current->marker->sha256_hex == loaded.model->sha256_hex();
  if (same_bytes && !tracked.force_reload) {
    logger_.Debug(events::kArtifactUnchangedSha, {{"name", name}});
    if (current->last_load_error) {
      registry_.SetLoadError(name, std::nullopt);  // the serving artifact is back
    }
    return;
  }
  tracked.force_reload = false;
  RegistryEntry entry =
      RegistryEntry::Loaded(name, loaded.model, tracked.recipe->output.path, loaded.metadata);
  entry.marker->stat_marker = marker;
  registry_.Replace(std::move(entry));
  auto handle = metrics_.ForRecipe(name);
  handle->model_loaded.store(1);
  handle->swap_ok.fetch_add(1);
  UpdateActiveRecipes();
  logger_.Info(events::kArtifactHotSwapped,
               {{"name", name},
                {"kid", KidForLog(loaded.model->kid())},
                {"trained_at", loaded.model->HeaderString("trained_at").value_or("")}});
}

void ArtifactWatcher::OnLoadFailure(const std::string& name, Tracked& tracked,
                                    const LoadFailure& failure) {
  std::string reason(FailureReasonLabel(failure.stage));
  std::string error;
  switch (failure.stage) {
    case LoadStage::kRead:
    case LoadStage::kReadError: {
      bool os_error = failure.stage == LoadStage::kReadError;
      error = (os_error ? kUnexpectedReadErrorPrefix : kReadFailedPrefix) + failure.message;
      logger_.Error(events::kArtifactReadFailed,
                    {{"name", name},
                     {"path", tracked.recipe->output.path},
                     {"error", failure.message},
                     {"exc_type", os_error ? "OSError" : "ArtifactError"}});
      tracked.post_hmac_failures = 0;
      break;
    }
    case LoadStage::kParse:
    case LoadStage::kHmac:
    case LoadStage::kHeaderJson:
    case LoadStage::kDeserialize:
      error = failure.message;
      logger_.Error(events::kArtifactLoadFailed,
                    {{"name", name}, {"kid", failure.kid}, {"error", error}, {"reason", reason}});
      if (failure.stage == LoadStage::kDeserialize) {
        ++tracked.post_hmac_failures;
        logger_.Error(events::kArtifactPostHmacDeserializeFailed,
                      {{"name", name}, {"error", error}});
        if (tracked.post_hmac_failures >= kRepeatedPostHmacFailureThreshold) {
          logger_.Error(events::kArtifactRepeatedPostHmacFailure,
                        {{"name", name}, {"count", tracked.post_hmac_failures}});
        }
      } else {
        tracked.post_hmac_failures = 0;
      }
      break;
    case LoadStage::kMetadata:
    case LoadStage::kUnexpected:
      error = UnexpectedClassName(failure.stage) + ": " + failure.message;
      logger_.Error(events::kArtifactLoadUnexpectedError,
                    {{"name", name},
                     {"exc_type", UnexpectedClassName(failure.stage)},
                     {"error", failure.message}});
      tracked.post_hmac_failures = 0;
      break;
  }
  SetError(name, error);
  CountLoadFailure(name, LoadFailureReasonFrom(reason), true);
}

void ArtifactWatcher::SetError(const std::string& name, const std::string& error) {
  if (!registry_.SetLoadError(name, error)) {
    logger_.Warning(events::kSetLoadErrorNoEntry, {{"name", name}, {"error", error}});
    metrics_.watcher_state_divergence.fetch_add(1);
  }
}

void ArtifactWatcher::CountLoadFailure(const std::string& name, LoadFailureReason reason,
                                       bool swap_error) {
  auto handle = metrics_.ForRecipe(name);
  handle->CountLoadFailure(reason);
  if (swap_error) {
    handle->swap_error.fetch_add(1);
  }
}

void ArtifactWatcher::UpdateActiveRecipes() {
  int64_t loaded = 0;
  for (const ModelRegistry::EntryPtr& entry : registry_.Snapshot()) {
    loaded += entry->loaded ? 1 : 0;
  }
  metrics_.active_recipes.store(loaded);
}

}  // namespace recotem::serve
