// Model selection: evaluates every requested algorithm on the train /
// validation split and picks the best by the recipe's metric. This is the
// seam where the hyperparameter search (TPE over each algorithm's search
// space, study storage) plugs in; until it lands, algorithms whose search
// space is empty (TopPop) are evaluated here and any other algorithm is
// refused with a clear `search_error`.
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/core/interactions.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe.h"

namespace recotem {

struct SelectionResult {
  std::string best_class;
  HyperParams best_params = HyperParams::object();
  double best_score = 0.0;
  int64_t n_completed = 0;
  int64_t best_trial_number = 0;
  std::vector<std::string> tried_algorithms;
};

// Throws TrainingError: unknown_algorithm, split_error, search_error,
// no_completed_trials, zero_score (except for metric hit).
SelectionResult SelectModel(const Interactions& data, const TrainingSpec& training,
                            const log::Logger& logger, bool quiet, bool verbose);

}  // namespace recotem
