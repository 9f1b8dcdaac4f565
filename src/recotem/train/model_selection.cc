#include "recotem/train/model_selection.h"

#include "recotem/algo/algorithm_registry.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/recipe/trial_budget.h"
#include "recotem/tune/evaluator.h"
#include "recotem/tune/split.h"

namespace recotem {

SelectionResult SelectModel(const Interactions& data, const TrainingSpec& training,
                            const log::Logger& logger, bool quiet, bool verbose) {
  const AlgorithmRegistry& registry = AlgorithmRegistry::Default();
  std::vector<std::string> classes;
  for (const std::string& name : training.algorithms) {
    std::optional<std::string> resolved = registry.Resolve(name);
    if (!resolved) {
      throw TrainingError("unknown algorithm '" + name + "'", "unknown_algorithm");
    }
    classes.push_back(*resolved);
  }
  std::optional<tune::Metric> metric = tune::ParseMetric(training.metric);
  if (!metric) throw TrainingError("unknown metric '" + training.metric + "'", "invalid_metric");

  std::vector<std::pair<std::string, int64_t>> budgets =
      SplitTrialBudget(classes, training.n_trials, training.per_algorithm_trials);

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
  tune::Evaluator evaluator(split.train, split.validation, split.validation_users,
                            static_cast<int>(training.cutoff));

  SelectionResult result;
  for (const auto& [class_name, budget] : budgets) {
    if (budget > 0) result.tried_algorithms.push_back(class_name);
  }
  logger.Info(events::kSearchStarted,
              {{"algorithms", result.tried_algorithms}, {"n_trials", training.n_trials}});

  bool have_best = false;
  int64_t trial_number = 0;
  for (const auto& [class_name, budget] : budgets) {
    if (budget <= 0) continue;
    const AlgorithmInfo* info = registry.Find(class_name);
    if (!info->search_space.empty()) {
      throw TrainingError("hyperparameter search for " + class_name +
                              " is not available in this build yet; only algorithms without "
                              "hyperparameters (TopPop) can be trained",
                          "search_error");
    }
    // Every trial of a parameterless algorithm is the same fit: evaluate
    // once and record the budget's trials with that score.
    std::unique_ptr<Recommender> model = info->create(HyperParams::object());
    model->Fit(split.train);
    double score = evaluator.Evaluate(*model).Get(*metric);
    for (int64_t k = 0; k < budget; ++k, ++trial_number) {
      if (!quiet) {
        log::Fields fields = {{"trial", trial_number}, {"score", score}, {"algorithm", class_name}};
        if (verbose) fields["params"] = nlohmann::ordered_json::object();
        logger.Info(events::kTrialDone, fields);
      }
      ++result.n_completed;
      if (!have_best || score > result.best_score) {
        have_best = true;
        result.best_score = score;
        result.best_class = class_name;
        result.best_params = model->params();
        result.best_trial_number = trial_number;
      }
    }
  }
  if (result.n_completed == 0) {
    throw TrainingError("no trial completed", "no_completed_trials");
  }
  logger.Info(events::kTuningComplete, {{"n_completed", result.n_completed},
                                        {"best_score", result.best_score},
                                        {"best_algorithm", result.best_class}});
  if (result.best_score == 0.0) {
    if (*metric != tune::Metric::kHit) {
      throw TrainingError("best " + training.metric +
                              " score is exactly 0: no algorithm recommended any held-out item",
                          "zero_score");
    }
    logger.Warning(events::kZeroScoreHitMetric, {{"metric", training.metric},
                                                 {"n_completed", result.n_completed},
                                                 {"message", "best hit score is 0; continuing"}});
  }
  logger.Info(events::kSearchDone, {{"best_class", result.best_class},
                                    {"best_score", result.best_score},
                                    {"n_completed", result.n_completed}});
  return result;
}

}  // namespace recotem
