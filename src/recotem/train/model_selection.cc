#include "recotem/train/model_selection.h"

#include <memory>
#include <optional>
#include <regex>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/trial_budget.h"
#include "recotem/train/progress_bar.h"
#include "recotem/tune/evaluator.h"
#include "recotem/tune/split.h"
#include "recotem/tune/storage/open_study_storage.h"

namespace recotem {

namespace {

// Seconds between a running trial's heartbeats in a shared study; a RUNNING
// trial whose heartbeat is 3 intervals old belongs to a dead worker.
constexpr env::ClampedInt kHeartbeatSeconds{"RECOTEM_TRIAL_HEARTBEAT_SECONDS", 10, 1, 3600};
constexpr int kStaleHeartbeats = 3;

std::vector<std::string> ResolveClasses(const TrainingSpec& training) {
  std::vector<std::string> classes;
  for (const std::string& name : training.algorithms) {
    std::optional<std::string> resolved = AlgorithmRegistry::Default().Resolve(name);
    if (!resolved) {
      throw TrainingError("unknown algorithm '" + name + "'", "unknown_algorithm");
    }
    classes.push_back(*resolved);
  }
  return classes;
}

std::shared_ptr<const tune::SearchData> SplitForSearch(const Interactions& data,
                                                       const TrainingSpec& training,
                                                       tune::Metric metric,
                                                       const log::Logger& logger) {
  logger.Info(events::kSplittingData);
  tune::SplitOptions split_options;
  split_options.scheme = training.split.scheme;
  split_options.heldout_ratio = training.split.heldout_ratio;
  split_options.test_user_ratio = training.split.test_user_ratio;
  split_options.seed = training.split.seed;
  tune::TrainValidationSplit split = tune::SplitInteractions(data, split_options);
  logger.Info(events::kSplitDone, {{"val_offset", split.val_offset}});
  int n_items = split.train.n_cols;
  if (training.cutoff > n_items) {
    throw TrainingError("training.cutoff " + std::to_string(training.cutoff) +
                            " exceeds the number of items in the data (" + std::to_string(n_items) +
                            ")",
                        "training_error");
  }
  return std::make_shared<const tune::SearchData>(std::move(split.train), split.validation,
                                                  split.validation_users,
                                                  static_cast<int>(training.cutoff), metric);
}

// §10.1 item 4: parallel trials need a storage several connections can
// write at once; SQLite (and a whitespace-only value) forces one worker.
int EffectiveParallelism(const TrainingSpec& training, const log::Logger& logger) {
  if (training.storage_path.empty() || training.parallelism <= 1) {
    return static_cast<int>(std::max<int64_t>(training.parallelism, 1));
  }
  static const std::regex kServerUrl("^(postgresql|postgres|mysql)\\b");
  if (std::regex_search(std::string(Trim(training.storage_path)), kServerUrl)) {
    return static_cast<int>(training.parallelism);
  }
  logger.Warning(events::kEnvVarClamped,
                 {{"var", "parallelism"},
                  {"original", training.parallelism},
                  {"clamped", 1},
                  {"reason", "parallel trials need a PostgreSQL or MySQL storage_path"}});
  return 1;
}

tune::SearchOptions MakeSearchOptions(const TrainingSpec& training,
                                      const std::vector<std::pair<std::string, int64_t>>& budgets,
                                      const SelectionOptions& options, int parallelism) {
  tune::SearchOptions search;
  search.study_name = StudyName(options.recipe_name, options.run_id);
  for (const auto& [class_name, budget] : budgets) {
    if (budget > 0) search.classes.push_back({class_name, budget});
  }
  search.n_trials = training.n_trials;
  search.seed = static_cast<uint64_t>(training.split.seed);
  search.parallelism = parallelism;
  if (training.timeout_seconds) search.timeout = std::chrono::seconds(*training.timeout_seconds);
  if (training.per_trial_timeout_seconds) {
    search.per_trial_timeout = std::chrono::seconds(*training.per_trial_timeout_seconds);
  }
  search.heartbeat_interval = std::chrono::seconds(env::ReadClampedInt(kHeartbeatSeconds));
  search.stale_after = search.heartbeat_interval * kStaleHeartbeats;
  return search;
}

// trial_done events, or the progress bar on a terminal (§10.8).
class TrialReporter {
 public:
  TrialReporter(const log::Logger& logger, const SelectionOptions& options, int64_t n_trials)
      : logger_(logger), options_(options) {
    if (ProgressBar::Wanted(options.quiet)) bar_.emplace(n_trials);
  }

  void operator()(const tune::TrialOutcome& outcome) {
    ++done_;
    if (outcome.score && (!best_ || *outcome.score > *best_)) best_ = outcome.score;
    if (bar_) {
      bar_->Update(done_, outcome.class_name, best_);
      return;
    }
    if (options_.quiet) return;
    log::Fields fields = {{"trial", outcome.number},
                          {"score", outcome.score ? log::Fields(*outcome.score) : log::Fields()},
                          {"algorithm", outcome.class_name}};
    if (options_.verbose) fields["params"] = outcome.params;
    logger_.Info(events::kTrialDone, fields);
  }

  void Finish() { bar_.reset(); }
  int64_t done() const { return done_; }

 private:
  const log::Logger& logger_;
  const SelectionOptions& options_;
  std::optional<ProgressBar> bar_;
  int64_t done_ = 0;
  std::optional<double> best_;
};

// §10.6 items 1–2.
void CheckSearchResult(const tune::SearchResult& result) {
  if (result.n_completed == 0 || !result.best) {
    throw TrainingError("no trial completed", "no_completed_trials");
  }
  if (result.n_orphaned > result.n_completed / 2) {
    throw TrainingError(std::to_string(result.n_orphaned) +
                            " trials exceeded per_trial_timeout_seconds and could not be stopped, "
                            "more than half of the " +
                            std::to_string(result.n_completed) + " completed",
                        "excessive_per_trial_timeouts");
  }
}

void LogTuningComplete(const tune::SearchResult& result, const log::Logger& logger) {
  log::Fields fields = {{"n_completed", result.trials_done}};
  const std::optional<tune::TrialOutcome>& best = result.best_of_invocation;
  fields["best_score"] = best && best->score ? log::Fields(*best->score) : log::Fields();
  fields["best_algorithm"] = best ? log::Fields(best->class_name) : log::Fields();
  logger.Info(events::kTuningComplete, fields);
}

}  // namespace

std::string StudyName(const std::string& recipe_name, const std::string& run_id) {
  return "recotem_" + recipe_name + "_" + run_id;
}

SelectionResult SelectModel(const Interactions& data, const TrainingSpec& training,
                            const log::Logger& logger, const SelectionOptions& options) {
  std::vector<std::string> classes = ResolveClasses(training);
  std::optional<tune::Metric> metric = tune::ParseMetric(training.metric);
  if (!metric) throw TrainingError("unknown metric '" + training.metric + "'", "invalid_metric");
  std::shared_ptr<const tune::SearchData> search_data =
      SplitForSearch(data, training, *metric, logger);

  SelectionResult selection;
  selection.tried_algorithms = classes;
  logger.Info(events::kSearchStarted, {{"algorithms", classes}, {"n_trials", training.n_trials}});
  int parallelism = EffectiveParallelism(training, logger);
  std::vector<std::pair<std::string, int64_t>> budgets =
      SplitTrialBudget(classes, training.n_trials, training.per_algorithm_trials);
  tune::SearchOptions search = MakeSearchOptions(training, budgets, options, parallelism);
  if (search.classes.empty()) {
    throw TrainingError("every algorithm has a trial budget of 0", "no_active_algorithms");
  }

  TrialReporter reporter(logger, options, training.n_trials);
  tune::SearchResult result;
  try {
    std::unique_ptr<tune::StudyStorage> storage =
        tune::storage::OpenStudyStorage(training.storage_path);
    result = tune::RunSearch(search, *storage, search_data, logger,
                             [&](const tune::TrialOutcome& outcome) { reporter(outcome); });
    reporter.Finish();
    CheckSearchResult(result);
  } catch (...) {
    reporter.Finish();
    logger.Warning(events::kTuningAborted,
                   {{"trials_done", reporter.done()}, {"best_score", nullptr}});
    throw;
  }
  LogTuningComplete(result, logger);

  selection.best_class = result.best->class_name;
  selection.best_params = result.best->params;
  selection.best_score = result.best->score;
  selection.best_trial_number = result.best->number;
  selection.n_completed = result.n_completed;
  selection.n_orphaned = result.n_orphaned;
  selection.per_class = result.per_class;
  if (selection.best_score == 0.0) {
    if (*metric != tune::Metric::kHit) {
      throw TrainingError("best " + training.metric +
                              " score is exactly 0: no algorithm recommended any held-out item",
                          "zero_score");
    }
    logger.Warning(events::kZeroScoreHitMetric, {{"metric", training.metric},
                                                 {"n_completed", selection.n_completed},
                                                 {"message", "best hit score is 0; continuing"}});
  }
  logger.Info(events::kSearchDone, {{"best_class", selection.best_class},
                                    {"best_score", selection.best_score},
                                    {"n_completed", selection.n_completed}});
  return selection;
}

}  // namespace recotem
