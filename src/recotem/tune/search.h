// The hyperparameter search driver (training.md §10.2–10.5): claims trials
// from a StudyStorage, samples each algorithm's search space with the TPE
// sampler, fits the model (early-stopping learners validate every few
// epochs and may be median-pruned), scores it with the Evaluator and stores
// the result. `parallelism` workers run trials concurrently; several
// processes can share one study through a relational storage.
//
// Differences from the original, on purpose (docs/compatibility.md):
// - The study's budget is n_trials trials in total (FAIL ones excepted), not
//   n_trials per invocation: concurrent workers share it, a resumed study
//   runs only what is missing.
// - Each algorithm's parameters are estimated only from that algorithm's own
//   trials, and trials beyond every class's budget are not started.
// - A per-trial timeout asks the fit to stop (cooperative cancellation);
//   only a fit that ignores the request for a grace period is orphaned.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/algo/sparse_product.h"
#include "recotem/core/log.h"
#include "recotem/tune/evaluator.h"
#include "recotem/tune/study_storage.h"
#include "recotem/tune/tpe_sampler.h"

namespace recotem {
class AlgorithmRegistry;
}  // namespace recotem

namespace recotem::tune {

// What every trial trains and validates on; shared with fit threads (an
// orphaned fit may outlive the search).
struct SearchData {
  SearchData(CsrMatrix train, const CsrMatrix& validation,
             const std::vector<int32_t>& validation_users, int cutoff, Metric metric);
  SearchData(const SearchData&) = delete;
  SearchData& operator=(const SearchData&) = delete;

  CsrMatrix train;
  Evaluator evaluator;  // reads `train`
  Metric metric;
  // Products of `train` the trials share (neighbourhood learners' raw
  // products, DenseSLIM's XᵀX), bounded.
  std::unique_ptr<ProductCache> product_cache;
};

// What SearchData::product_cache holds at most: one item-item product of a
// catalogue of about 1,700 items (MovieLens 100K: 21 MiB) beside a DenseSLIM
// XᵀX, so a class's trials reuse theirs; larger products are computed in
// every trial.
inline constexpr size_t kSearchProductCacheBytes = size_t{32} << 20;

struct ClassBudget {
  std::string class_name;  // canonical, registered in AlgorithmRegistry::Default()
  int64_t budget = 0;      // > 0
};

// irspack's generic early-stopping settings as recotem calls them (§10.4).
struct EarlyStopping {
  int max_epochs = 128;
  int validate_every = 5;
  int max_degradations = 5;
};

struct SearchOptions {
  std::string study_name;
  std::vector<ClassBudget> classes;  // recipe order; > 1 entries → class schedule
  int64_t n_trials = 0;
  uint64_t seed = 42;
  int parallelism = 1;
  std::optional<std::chrono::duration<double>> timeout;            // no trial starts after it
  std::optional<std::chrono::duration<double>> per_trial_timeout;  // fit + validation
  // How long a fit that was asked to stop may take to notice before it is
  // orphaned.
  std::chrono::duration<double> cancel_grace = std::chrono::seconds(5);
  std::chrono::seconds heartbeat_interval{10};
  std::chrono::seconds stale_after{60};  // RUNNING trials without a heartbeat this long fail
  int orphan_ceiling = 32;
  EarlyStopping early_stopping;
  TpeOptions tpe;
  // Where class names are looked up; null means AlgorithmRegistry::Default().
  const AlgorithmRegistry* registry = nullptr;
};

// One finished trial of this invocation, as `trial_done` reports it.
struct TrialOutcome {
  int64_t number = 0;
  std::string class_name;
  bool pruned = false;
  std::optional<double> score;  // metric (not negated); nullopt when pruned
  nlohmann::ordered_json params = nlohmann::ordered_json::object();  // suggested, external
  double seconds = 0;
};

struct BestTrial {
  int64_t number = 0;
  std::string class_name;
  HyperParams params = HyperParams::object();  // learnt config, then suggested params
  double score = 0;
};

struct ClassSummary {
  int64_t trials = 0;
  int64_t completed = 0;
  std::optional<double> best_score;
  double seconds = 0;  // wall time of this class's trials in this invocation
};

struct SearchResult {
  int64_t n_completed = 0;  // COMPLETE trials in the study (earlier runs included)
  int64_t trials_done = 0;  // trials this invocation finished (pruned included)
  int64_t n_orphaned = 0;
  std::optional<BestTrial> best;                   // the study's best COMPLETE trial
  std::optional<TrialOutcome> best_of_invocation;  // for `tuning_complete`
  std::map<std::string, ClassSummary> per_class;   // this invocation
};

// Runs the search. `on_trial_done` is called (serialised) for every trial
// this invocation finishes. Throws the first error a trial raised (the whole
// search stops, as in the original); TrainingError `unknown_algorithm` for an
// unregistered class, `search_error` when 32 orphaned fits are alive.
SearchResult RunSearch(const SearchOptions& options, StudyStorage& storage,
                       std::shared_ptr<const SearchData> data, const log::Logger& logger,
                       const std::function<void(const TrialOutcome&)>& on_trial_done = {});

}  // namespace recotem::tune
