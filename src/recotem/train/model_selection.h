// Model selection (training.md §10): resolves the recipe's algorithms, splits
// the cleansed interactions, opens the study storage, runs the TPE search
// (tune/search.h) and applies the post-search rules of §10.6. Logs
// search_started, trial_done (or draws the progress bar), tuning_complete /
// tuning_aborted, zero_score_hit_metric and search_done.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/core/interactions.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe.h"
#include "recotem/tune/search.h"

namespace recotem {

struct SelectionOptions {
  std::string recipe_name;
  std::string run_id;
  bool quiet = false;
  bool verbose = false;
};

struct SelectionResult {
  std::string best_class;
  HyperParams best_params = HyperParams::object();
  double best_score = 0.0;
  int64_t n_completed = 0;
  int64_t best_trial_number = 0;
  int64_t n_orphaned = 0;
  std::vector<std::string> tried_algorithms;
  std::map<std::string, tune::ClassSummary> per_class;  // this invocation
};

// Throws TrainingError: unknown_algorithm, split_error, search_error,
// no_completed_trials, excessive_per_trial_timeouts, zero_score (except for
// metric hit); std::runtime_error when the study storage fails.
SelectionResult SelectModel(const Interactions& data, const TrainingSpec& training,
                            const log::Logger& logger, const SelectionOptions& options);

// The study name of a run: recotem_<recipe>_<run_id> (recipe.md §9.6).
std::string StudyName(const std::string& recipe_name, const std::string& run_id);

}  // namespace recotem
