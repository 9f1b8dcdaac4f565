#include "recotem/tune/search.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/algo/parallel_for.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/tune/median_pruner.h"

namespace recotem::tune {

namespace {

using Clock = std::chrono::steady_clock;

// Fits that ignored a stop request and are still running, process-wide
// (training.md §10.5: `live`, and the cumulative `total`).
std::atomic<int64_t> g_live_orphans{0};
std::atomic<int64_t> g_total_orphans{0};

constexpr int kOrphanLogEvery = 16;

class TrialPruned : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FitResult {
  double score = 0;
  HyperParams learnt = HyperParams::object();  // e.g. train_epochs
};

// Everything one fit touches. Shared between the trial and the thread that
// fits when a per-trial timeout is set, so an orphaned fit stays valid.
struct FitJob {
  std::shared_ptr<const SearchData> data;
  const AlgorithmInfo* info = nullptr;
  HyperParams params;
  EarlyStopping early;
  std::vector<FrozenTrial> history;  // the study when the trial started (pruner)
  StudyStorage* storage = nullptr;
  int64_t trial_id = 0;
  int n_threads = 1;
  std::stop_source stop;

  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::optional<FitResult> result;
  std::exception_ptr error;
};

double Score(const SearchData& data, const Recommender& model) {
  return data.evaluator.Evaluate(model).Get(data.metric);
}

// irspack's "learn with optimiser" for early-stopping learners (§10.4):
// validate every `validate_every` epochs, keep the best snapshot, stop after
// `max_degradations` validations without a strict improvement, report each
// validation to the study and ask the median pruner.
FitResult FitEarlyStopping(FitJob& job, Recommender& model, FitOptions& options) {
  const EarlyStopping& early = job.early;
  double best = -std::numeric_limits<double>::infinity();
  int best_epoch = 0;
  int degradations = 0;
  std::optional<int64_t> pruned_at;
  TensorMap snapshot;
  std::map<int64_t, double> reported;
  options.max_epochs = early.max_epochs;
  // The learner checks options.stop itself every epoch; the callback runs
  // (and the learner hands its current model over) only where it validates.
  options.on_epoch_every = early.validate_every;
  options.on_epoch = [&](int epochs_done) {
    if (job.stop.stop_requested()) return EpochVerdict::kStop;
    double score = Score(*job.data, model);
    if (score > best) {
      best = score;
      best_epoch = epochs_done;
      degradations = 0;
      snapshot = TensorMap();
      model.Save(snapshot);
    } else if (++degradations >= early.max_degradations) {
      return EpochVerdict::kStop;
    }
    int64_t step = epochs_done - 1;
    reported[step] = -score;
    job.storage->SetTrialIntermediateValue(job.trial_id, step, -score);
    if (ShouldPrune(job.history, reported, step)) {
      pruned_at = step;
      return EpochVerdict::kStop;
    }
    return EpochVerdict::kContinue;
  };
  model.FitWithOptions(job.data->train, options);
  if (job.stop.stop_requested()) throw FitCancelled();
  if (pruned_at) throw TrialPruned("Trial was pruned at step " + std::to_string(*pruned_at) + ".");
  if (best_epoch == 0) {
    throw std::runtime_error("no validation score of " + std::string(job.info->class_name) +
                             " improved on -inf (every score was NaN); cannot restore a model");
  }
  model.Load(snapshot, job.data->train.n_cols);
  FitResult result;
  result.score = best;
  result.learnt["train_epochs"] = best_epoch;
  return result;
}

FitResult FitAndScore(FitJob& job) {
  std::unique_ptr<Recommender> model = job.info->create(job.params);
  FitOptions options;
  options.stop = job.stop.get_token();
  options.n_threads = job.n_threads;
  options.product_cache = job.data->product_cache.get();
  if (model->is_iterative()) return FitEarlyStopping(job, *model, options);
  model->FitWithOptions(job.data->train, options);
  if (job.stop.stop_requested()) throw FitCancelled();
  FitResult result;
  result.score = Score(*job.data, *model);
  return result;
}

void RunJob(FitJob& job) {
  std::optional<FitResult> result;
  std::exception_ptr error;
  try {
    result = FitAndScore(job);
  } catch (...) {
    error = std::current_exception();
  }
  std::lock_guard lock(job.mutex);
  job.result = std::move(result);
  job.error = error;
  job.done = true;
  job.finished.notify_all();
}

bool WaitFor(FitJob& job, std::chrono::duration<double> timeout) {
  std::unique_lock lock(job.mutex);
  return job.finished.wait_for(lock, timeout, [&] { return job.done; });
}

std::string ErrorText(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

std::string ErrorClass(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const TrialPruned&) {
    return "TrialPruned";
  } catch (const FitCancelled&) {
    return "FitCancelled";
  } catch (const RecotemError& e) {
    return e.code();
  } catch (...) {
    return "Exception";
  }
}

uint64_t MixSeed(uint64_t seed, int64_t number) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(number + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class SearchRun {
 public:
  SearchRun(const SearchOptions& options, StudyStorage& storage,
            std::shared_ptr<const SearchData> data, const log::Logger& logger,
            const std::function<void(const TrialOutcome&)>& on_trial_done)
      : options_(options),
        storage_(storage),
        data_(std::move(data)),
        logger_(logger),
        on_trial_done_(on_trial_done),
        sampler_(options.tpe),
        started_(Clock::now()) {}

  SearchResult Run();

 private:
  void Worker();
  std::optional<ClaimedTrial> Claim();
  bool OthersRunning();
  void RunTrial(const ClaimedTrial& claimed);
  HyperParams SuggestParams(const ClaimedTrial& claimed, const AlgorithmInfo& info,
                            const std::vector<FrozenTrial>& history,
                            nlohmann::ordered_json& suggested);
  FitResult Fit(const std::shared_ptr<FitJob>& job, const ClaimedTrial& claimed,
                const std::string& class_name);
  FitResult FitWithTimeout(const std::shared_ptr<FitJob>& job, const ClaimedTrial& claimed,
                           const std::string& class_name);
  void Orphan(const std::shared_ptr<FitJob>& job, std::thread thread, const ClaimedTrial& claimed,
              const std::string& class_name);
  void Record(const TrialOutcome& outcome);
  void HeartbeatLoop(const std::stop_token& stop);
  bool TimedOut() const;
  void Abort(std::exception_ptr error);
  SearchResult Summarise();

  const SearchOptions& options_;
  StudyStorage& storage_;
  std::shared_ptr<const SearchData> data_;
  const log::Logger& logger_;
  const std::function<void(const TrialOutcome&)>& on_trial_done_;
  TpeSampler sampler_;
  Clock::time_point started_;
  int64_t study_id_ = 0;
  ClaimRequest request_;
  int fit_threads_ = 1;
  int64_t orphans_at_start_ = 0;

  std::atomic<bool> aborted_{false};
  std::mutex mutex_;  // guards everything below
  std::condition_variable_any heartbeat_wake_;
  std::set<int64_t> running_;  // trial ids this process is running
  std::exception_ptr first_error_;
  SearchResult result_;
};

SearchResult SearchRun::Run() {
  study_id_ = storage_.CreateOrLoadStudy(options_.study_name);
  request_.max_trials = options_.n_trials;
  request_.stale_after = options_.stale_after;
  if (options_.classes.size() > 1) {
    ClassSchedule schedule;
    for (const ClassBudget& c : options_.classes) {
      schedule.classes.push_back(c.class_name);
      schedule.budgets.push_back(c.budget);
    }
    request_.schedule = std::move(schedule);
  } else if (!options_.classes.empty()) {
    request_.max_trials = std::min(options_.n_trials, options_.classes.front().budget);
  }
  int parallelism = std::max(1, options_.parallelism);
  fit_threads_ = std::max(1, DefaultThreadCount() / parallelism);
  orphans_at_start_ = g_total_orphans.load();
  {
    std::jthread heartbeat([this](const std::stop_token& stop) { HeartbeatLoop(stop); });
    std::vector<std::jthread> workers;
    workers.reserve(static_cast<size_t>(parallelism));
    for (int k = 0; k < parallelism; ++k) workers.emplace_back([this] { Worker(); });
    workers.clear();  // joins
  }
  if (first_error_) std::rethrow_exception(first_error_);
  return Summarise();
}

void SearchRun::Worker() {
  while (!aborted_) {
    std::optional<ClaimedTrial> claimed;
    try {
      claimed = Claim();
      if (!claimed) return;
      RunTrial(*claimed);
    } catch (...) {
      if (claimed) storage_.FinishTrial(claimed->trial_id, TrialState::kFail, std::nullopt);
      Abort(std::current_exception());
      return;
    }
  }
}

bool SearchRun::TimedOut() const {
  return options_.timeout && Clock::now() - started_ >= *options_.timeout;
}

void SearchRun::Abort(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  if (!first_error_) first_error_ = std::move(error);
  aborted_ = true;
}

// Claims the next trial. When the budget is spent but another process still
// runs trials, waits: if that process died, its trial goes stale, fails and
// its work comes back to the pool.
std::optional<ClaimedTrial> SearchRun::Claim() {
  while (!aborted_ && !TimedOut()) {
    std::optional<ClaimedTrial> claimed = storage_.ClaimTrial(study_id_, request_);
    if (claimed) {
      if (!claimed->failed_stale.empty()) {
        logger_.Warning(events::kStudyStaleTrialsFailed,
                        {{"trials", claimed->failed_stale},
                         {"stale_after_seconds", options_.stale_after.count()}});
      }
      std::lock_guard lock(mutex_);
      running_.insert(claimed->trial_id);
      return claimed;
    }
    if (!OthersRunning()) return std::nullopt;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(std::chrono::milliseconds(500),
                                                                    options_.heartbeat_interval));
  }
  return std::nullopt;
}

bool SearchRun::OthersRunning() {
  std::vector<FrozenTrial> trials = storage_.GetAllTrials(study_id_);
  std::lock_guard lock(mutex_);
  for (const FrozenTrial& t : trials) {
    if (t.state == TrialState::kRunning && !running_.contains(t.trial_id)) return true;
  }
  return false;
}

HyperParams SearchRun::SuggestParams(const ClaimedTrial& claimed, const AlgorithmInfo& info,
                                     const std::vector<FrozenTrial>& history,
                                     nlohmann::ordered_json& suggested) {
  std::vector<FrozenTrial> same_class;
  int64_t n_finished = 0;
  for (const FrozenTrial& t : history) {
    if (t.state == TrialState::kComplete || t.state == TrialState::kPruned) ++n_finished;
    if (!request_.schedule || TrialClassName(t) == info.class_name) same_class.push_back(t);
  }
  std::mt19937_64 rng(MixSeed(options_.seed, claimed.number));
  HyperParams params = HyperParams::object();
  for (const ParamDistribution& d : info.search_space) {
    double internal = sampler_.Sample(d, same_class, n_finished, rng);
    storage_.SetTrialParam(claimed.trial_id, d.name, internal, d);
    nlohmann::json value = ExternalParamValue(d, internal);
    params[d.name] = value;
    suggested[d.name] = value;
  }
  return params;
}

void SearchRun::RunTrial(const ClaimedTrial& claimed) {
  Clock::time_point start = Clock::now();
  std::string class_name = claimed.class_name.value_or(options_.classes.front().class_name);
  const AlgorithmRegistry& registry =
      options_.registry != nullptr ? *options_.registry : AlgorithmRegistry::Default();
  const AlgorithmInfo* info = registry.Find(class_name);
  if (info == nullptr) {
    throw TrainingError("algorithm " + class_name + " is not available in this build",
                        "unknown_algorithm");
  }
  auto job = std::make_shared<FitJob>();
  job->history = storage_.GetAllTrials(study_id_);
  TrialOutcome outcome;
  outcome.number = claimed.number;
  outcome.class_name = class_name;
  job->data = data_;
  job->info = info;
  job->params = SuggestParams(claimed, *info, job->history, outcome.params);
  job->early = options_.early_stopping;
  job->storage = &storage_;
  job->trial_id = claimed.trial_id;
  job->n_threads = fit_threads_;
  try {
    FitResult fit = Fit(job, claimed, class_name);
    storage_.SetTrialUserAttr(claimed.trial_id, kClassParamName, class_name);
    for (const auto& [key, value] : fit.learnt.items()) {
      storage_.SetTrialUserAttr(claimed.trial_id, key, value);
    }
    storage_.FinishTrial(claimed.trial_id, TrialState::kComplete, -fit.score);
    outcome.score = fit.score;
  } catch (const TrialPruned&) {
    storage_.SetTrialUserAttr(claimed.trial_id, kClassParamName, class_name);
    storage_.FinishTrial(claimed.trial_id, TrialState::kPruned, std::nullopt);
    outcome.pruned = true;
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  {
    std::lock_guard lock(mutex_);
    running_.erase(claimed.trial_id);
  }
  Record(outcome);
}

FitResult SearchRun::Fit(const std::shared_ptr<FitJob>& job, const ClaimedTrial& claimed,
                         const std::string& class_name) {
  if (options_.per_trial_timeout) return FitWithTimeout(job, claimed, class_name);
  return FitAndScore(*job);
}

// §10.5 with cooperative cancellation: the fit runs on its own thread; at the
// deadline it is asked to stop, and a fit that has not stopped after the
// grace period is orphaned. Either way the trial is pruned.
FitResult SearchRun::FitWithTimeout(const std::shared_ptr<FitJob>& job, const ClaimedTrial& claimed,
                                    const std::string& class_name) {
  std::thread thread([job] { RunJob(*job); });
  bool in_time = WaitFor(*job, *options_.per_trial_timeout);
  if (!in_time) {
    job->stop.request_stop();
    if (!WaitFor(*job, options_.cancel_grace)) {
      Orphan(job, std::move(thread), claimed, class_name);
      throw TrialPruned("exceeded per_trial_timeout_seconds");
    }
  }
  thread.join();
  if (!in_time) throw TrialPruned("exceeded per_trial_timeout_seconds");
  if (job->error) {
    logger_.Warning(events::kTrialLearnFailed, {{"trial", claimed.number},
                                                {"class_name", class_name},
                                                {"error_class", ErrorClass(job->error)},
                                                {"error", ErrorText(job->error)}});
    std::rethrow_exception(job->error);
  }
  return *job->result;
}

void SearchRun::Orphan(const std::shared_ptr<FitJob>& job, std::thread thread,
                       const ClaimedTrial& claimed, const std::string& class_name) {
  int64_t live = ++g_live_orphans;
  int64_t total = ++g_total_orphans;
  thread.detach();
  // The orphan's completion is noticed by a watcher that owns a reference.
  std::thread([job] {
    std::unique_lock lock(job->mutex);
    job->finished.wait(lock, [&] { return job->done; });
    --g_live_orphans;
  }).detach();
  logger_.Warning(events::kPerTrialTimeoutThreadOrphaned,
                  {{"trial", claimed.number},
                   {"class_name", class_name},
                   {"timeout_seconds", options_.per_trial_timeout->count()}});
  if (total % kOrphanLogEvery == 0) {
    logger_.Warning(events::kTrainingOrphanedThreads,
                    {{"live", live}, {"total", total}, {"ceiling", options_.orphan_ceiling}});
  }
  if (live >= options_.orphan_ceiling) {
    throw TrainingError("too many per-trial timeouts: " + std::to_string(live) +
                            " orphaned training threads are still running",
                        "search_error");
  }
}

void SearchRun::Record(const TrialOutcome& outcome) {
  std::lock_guard lock(mutex_);
  ++result_.trials_done;
  ClassSummary& summary = result_.per_class[outcome.class_name];
  ++summary.trials;
  summary.seconds += outcome.seconds;
  if (outcome.score) {
    ++summary.completed;
    if (!summary.best_score || *outcome.score > *summary.best_score) {
      summary.best_score = outcome.score;
    }
    if (!result_.best_of_invocation || !result_.best_of_invocation->score ||
        *outcome.score > *result_.best_of_invocation->score) {
      result_.best_of_invocation = outcome;
    }
  } else if (!result_.best_of_invocation) {
    result_.best_of_invocation = outcome;
  }
  if (on_trial_done_) on_trial_done_(outcome);
}

void SearchRun::HeartbeatLoop(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    heartbeat_wake_.wait_for(lock, stop, options_.heartbeat_interval, [] { return false; });
    if (stop.stop_requested()) break;
    std::vector<int64_t> ids(running_.begin(), running_.end());
    lock.unlock();
    for (int64_t id : ids) {
      try {
        storage_.RecordHeartbeat(id);
      } catch (const std::exception& e) {
        logger_.Warning(events::kStudyHeartbeatFailed, {{"trial_id", id}, {"error", e.what()}});
      }
    }
    lock.lock();
  }
}

// The study's best COMPLETE trial (lowest value; ties → lowest number) and
// its parameters: learnt user attributes, then the suggested parameters
// without the bookkeeping keys (§10.6 items 3–5).
SearchResult SearchRun::Summarise() {
  std::vector<FrozenTrial> trials = storage_.GetAllTrials(study_id_);
  const FrozenTrial* best = nullptr;
  for (const FrozenTrial& t : trials) {
    if (t.state != TrialState::kComplete || !t.value || std::isnan(*t.value)) continue;
    ++result_.n_completed;
    if (best == nullptr || *t.value < *best->value) best = &t;
  }
  result_.n_orphaned = g_total_orphans.load() - orphans_at_start_;
  if (best == nullptr) return result_;
  BestTrial out;
  out.number = best->number;
  out.score = -*best->value;
  out.class_name = TrialClassName(*best);
  if (out.class_name.empty()) out.class_name = options_.classes.front().class_name;
  for (const auto& [key, value] : best->user_attrs.items()) {
    if (key != kClassParamName) out.params[key] = value;
  }
  for (const auto& [name, distribution] : best->distributions) {
    if (name == kClassParamName || name == "optimizer_name") continue;
    out.params[name] = best->ParamValue(name);
  }
  result_.best = std::move(out);
  return result_;
}

}  // namespace

SearchData::SearchData(CsrMatrix train_matrix, const CsrMatrix& validation,
                       const std::vector<int32_t>& validation_users, int cutoff, Metric target)
    : train(std::move(train_matrix)),
      evaluator(train, validation, validation_users, cutoff),
      metric(target),
      product_cache(std::make_unique<ProductCache>(kSearchProductCacheBytes)) {}

SearchResult RunSearch(const SearchOptions& options, StudyStorage& storage,
                       std::shared_ptr<const SearchData> data, const log::Logger& logger,
                       const std::function<void(const TrialOutcome&)>& on_trial_done) {
  if (options.classes.empty()) throw std::invalid_argument("RunSearch: no algorithm to search");
  SearchRun run(options, storage, std::move(data), logger, on_trial_done);
  return run.Run();
}

}  // namespace recotem::tune
