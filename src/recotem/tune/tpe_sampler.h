// TpeSampler: the Tree-structured Parzen Estimator that proposes each
// trial's hyperparameters (training.md §10.1 item 7), written here because
// no C++ TPE is packaged for Debian. It follows Optuna's TPESampler with the
// settings recotem uses: independent (univariate) sampling, 10 random
// start-up trials, 24 expected-improvement candidates, prior weight 1, magic
// clip on, endpoints off, gamma(n) = min(ceil(0.1·n), 25), and Optuna's
// recency weights. Exact Optuna parity (same numbers for the same seed) is
// neither possible nor required; the estimator is the same.
//
// The study minimises. For one parameter, the finished trials of the same
// conditional space (the caller passes only trials of the same algorithm)
// are ranked — COMPLETE by value, then PRUNED by how late they were pruned
// and their last intermediate value — and split into the best gamma(n)
// ("below", l(x)) and the rest ("above", g(x)). 24 candidates are drawn from
// l(x) and the one maximising log l(x) − log g(x) is returned.
//
// Numbers are estimated in the parameter's internal space: log for log
// distributions, ±0.5 around integer ranges (then rounded), and choice
// indices for categoricals.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "recotem/algo/search_space.h"
#include "recotem/tune/study_storage.h"

namespace recotem::tune {

struct TpeOptions {
  int64_t n_startup_trials = 10;
  int n_ei_candidates = 24;
  double prior_weight = 1.0;
  bool consider_magic_clip = true;
  bool consider_endpoints = false;
};

class TpeSampler {
 public:
  explicit TpeSampler(TpeOptions options = {}) : options_(options) {}

  // Proposes a value for `distribution` (internal representation: the
  // number, or the choice index). `history` holds finished trials of the
  // same conditional space; `n_finished_in_study` (COMPLETE + PRUNED trials
  // of the whole study) decides whether the start-up phase (uniform random
  // sampling) is over.
  double Sample(const ParamDistribution& distribution, const std::vector<FrozenTrial>& history,
                int64_t n_finished_in_study, std::mt19937_64& rng) const;

  const TpeOptions& options() const { return options_; }

 private:
  TpeOptions options_;
};

// One value drawn uniformly from `distribution` (log-uniformly for log
// kinds), as Optuna's RandomSampler does. Internal representation.
double SampleUniform(const ParamDistribution& distribution, std::mt19937_64& rng);

// Optuna's default gamma: min(ceil(0.1·n), 25).
int64_t TpeGamma(int64_t n_finished);
// Optuna's default weights for n observations ordered oldest first: 1 for the
// 25 most recent, a linear ramp from 1/n up to 1 for the older ones.
std::vector<double> TpeWeights(int64_t n);

// The trials of `history` that enter l(x) (first) and g(x) (second), each
// ordered by trial number; only trials that have `param_name` are kept.
std::pair<std::vector<const FrozenTrial*>, std::vector<const FrozenTrial*>> SplitBelowAbove(
    const std::vector<FrozenTrial>& history, const std::string& param_name);

}  // namespace recotem::tune
