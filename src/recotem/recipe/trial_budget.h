// Splitting training.n_trials over the algorithms (recipe.md §9.4), with the
// original's rounding bug fixed. Guarantees, for any input:
//   * the budgets never sum to more than n_trials (and sum to exactly
//     n_trials whenever at least one algorithm is enabled);
//   * every enabled algorithm — listed in `algorithms` and not given a
//     budget <= 0 in per_algorithm_trials — gets at least one trial whenever
//     n_trials is at least the number of enabled algorithms;
//   * the result depends only on the inputs (recipe order, no hashing).
// Where the original already met these, its numbers are reproduced exactly
// (round-half-to-even scaling, remainder to the last class); the worked
// examples of §9.4 are unit-tested.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recotem {

using AlgorithmResolver = std::function<std::optional<std::string>(std::string_view)>;

// `canonical_classes`: the canonical names resolved from training.algorithms,
// in recipe order (a repeated class counts once, at its first position).
// `per_algorithm_trials` keys are resolved with `resolve` (default: the
// frozen alias table of algorithm_names.h); negative values count as 0.
// Returns (class, budget) for the classes with a budget > 0, in recipe
// order. Throws TrainingError (code unknown_algorithm_in_budget) for a key
// that does not resolve to one of `canonical_classes` — the loader rejects
// such recipes first (§9.3), so this only guards direct callers.
std::vector<std::pair<std::string, int64_t>> SplitTrialBudget(
    const std::vector<std::string>& canonical_classes, int64_t n_trials,
    const std::optional<std::map<std::string, int64_t>>& per_algorithm_trials,
    const AlgorithmResolver& resolve = {});

}  // namespace recotem
