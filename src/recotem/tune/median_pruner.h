// Median pruning of early-stopping trials (training.md §10.1 item 8): the
// rule of Optuna's default MedianPruner. Pruning starts once 5 trials have
// COMPLETED; at a reported step the running trial is pruned when its best
// (lowest) value so far is greater than the median of the values the
// completed trials reported at that same step (at least one needed), or when
// every value it reported is NaN. No warm-up steps; every step is checked.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "recotem/tune/study_storage.h"

namespace recotem::tune {

struct MedianPrunerOptions {
  int64_t n_startup_trials = 5;
};

bool ShouldPrune(const std::vector<FrozenTrial>& study_trials,
                 const std::map<int64_t, double>& own_values, int64_t step,
                 const MedianPrunerOptions& options = {});

}  // namespace recotem::tune
