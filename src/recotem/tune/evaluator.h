// Evaluator: the validation metrics of training.md §9, computed once per
// trial (and once per validated epoch of an early-stopping learner).
//
// For every validation user with at least one held-out item, the model's
// scores are masked (training items → −∞), the top L = min(cutoff, n_items)
// items are taken by partial selection (score descending, ties broken by the
// lower item index) and ndcg, map, recall, hit and precision are computed by
// the spec's exact formulas; each metric is the plain mean over those users.
// Users with no held-out item are skipped. Coverage is the fraction of items
// that appear in at least one of those recommendation lists.
//
// Thread-safety: Evaluate() is const and may run concurrently; it scores
// blocks of kEvaluationBlockUsers users on `n_threads` threads and sums the
// per-user values in user order, so results do not depend on the thread count.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/core/csr_matrix.h"

namespace recotem::tune {

// Users scored per call of Recommender::ScoreUsers (training.md §9.1).
inline constexpr int32_t kEvaluationBlockUsers = 128;

enum class Metric { kNdcg, kMap, kRecall, kHit, kPrecision };

// "ndcg", "map", "recall", "hit", "precision" (exact, lower case).
std::optional<Metric> ParseMetric(std::string_view name);
const char* MetricName(Metric metric);

struct MetricValues {
  double ndcg = 0, map = 0, recall = 0, hit = 0, precision = 0, coverage = 0;
  int64_t valid_users = 0;  // validation users with ≥ 1 held-out item
  int64_t total_users = 0;  // all validation users

  double Get(Metric m) const;
};

class Evaluator {
 public:
  // `train` is the matrix the model was fitted on (users × items);
  // `validation` has the same shape and holds the held-out items (any stored
  // entry is relevant); `validation_users` are the rows to evaluate.
  // `n_threads` 0 means the hardware concurrency. `train` must outlive the
  // evaluator (it is read for masking); the held-out rows are copied. Throws
  // std::invalid_argument if the shapes differ, a user row is out of range,
  // or cutoff is not in [1, n_items] (training.md §9.1 preconditions).
  Evaluator(const CsrMatrix& train, const CsrMatrix& validation,
            const std::vector<int32_t>& validation_users, int cutoff, int n_threads = 0);

  // Scores `model` on every validation user. The model must have
  // n_items() == train.n_cols (else std::invalid_argument).
  MetricValues Evaluate(const Recommender& model) const;

  int cutoff() const { return cutoff_; }

 private:
  const CsrMatrix& train_;
  std::vector<int32_t> users_;  // validation users with ≥ 1 held-out item
  CsrMatrix held_out_;          // row k = held-out items of users_[k]
  int64_t total_users_ = 0;
  int cutoff_ = 0;
  int n_threads_ = 0;
};

}  // namespace recotem::tune
