#include "recotem/tune/evaluator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "recotem/algo/parallel_for.h"
#include "recotem/algo/top_k.h"

namespace recotem::tune {

namespace {

enum PerUser { kNdcg, kMap, kRecall, kHit, kPrecision, kPerUserMetrics };
using UserMetrics = std::array<double, kPerUserMetrics>;

// Per-user formulas of training.md §9.2. `ranked` is the recommendation list
// R (length L); `is_relevant` marks the held-out items G (n_gt of them).
UserMetrics ScoreRanking(std::span<const ScoredIndex<float>> ranked,
                         const std::vector<char>& is_relevant, int64_t n_gt,
                         const std::vector<double>& discount) {
  const auto length = static_cast<int64_t>(ranked.size());
  int64_t hits = 0;
  double dcg = 0, precision_sum = 0;
  for (int64_t j = 0; j < length; ++j) {
    if (!is_relevant[static_cast<size_t>(ranked[j].index)]) continue;
    ++hits;
    dcg += discount[j];
    precision_sum += static_cast<double>(hits) / static_cast<double>(j + 1);
  }
  double idcg = 0;
  for (int64_t j = 0; j < std::min(n_gt, length); ++j) idcg += discount[j];
  UserMetrics m{};
  m[kNdcg] = dcg / idcg;
  m[kMap] = precision_sum / static_cast<double>(n_gt);
  m[kRecall] = static_cast<double>(hits) / static_cast<double>(n_gt);
  m[kHit] = hits > 0 ? 1.0 : 0.0;
  m[kPrecision] = static_cast<double>(hits) / static_cast<double>(length);
  return m;
}

}  // namespace

std::optional<Metric> ParseMetric(std::string_view name) {
  if (name == "ndcg") return Metric::kNdcg;
  if (name == "map") return Metric::kMap;
  if (name == "recall") return Metric::kRecall;
  if (name == "hit") return Metric::kHit;
  if (name == "precision") return Metric::kPrecision;
  return std::nullopt;
}

const char* MetricName(Metric metric) {
  switch (metric) {
    case Metric::kNdcg:
      return "ndcg";
    case Metric::kMap:
      return "map";
    case Metric::kRecall:
      return "recall";
    case Metric::kHit:
      return "hit";
    case Metric::kPrecision:
      return "precision";
  }
  return "ndcg";
}

double MetricValues::Get(Metric m) const {
  switch (m) {
    case Metric::kNdcg:
      return ndcg;
    case Metric::kMap:
      return map;
    case Metric::kRecall:
      return recall;
    case Metric::kHit:
      return hit;
    case Metric::kPrecision:
      return precision;
  }
  return ndcg;
}

Evaluator::Evaluator(const CsrMatrix& train, const CsrMatrix& validation,
                     const std::vector<int32_t>& validation_users, int cutoff, int n_threads)
    : train_(train), cutoff_(cutoff), n_threads_(n_threads) {
  if (train.n_rows != validation.n_rows || train.n_cols != validation.n_cols) {
    throw std::invalid_argument("Evaluator: training and validation matrices differ in shape");
  }
  if (cutoff < 1 || cutoff > train.n_cols) {
    throw std::invalid_argument("Evaluator: cutoff must be in [1, n_items=" +
                                std::to_string(train.n_cols) + "], got " + std::to_string(cutoff));
  }
  total_users_ = static_cast<int64_t>(validation_users.size());
  held_out_.n_cols = validation.n_cols;
  for (int32_t u : validation_users) {
    if (u < 0 || u >= validation.n_rows) {
      throw std::invalid_argument("Evaluator: validation user row " + std::to_string(u) +
                                  " is out of range");
    }
    std::span<const int32_t> items = validation.RowIndices(u);
    if (items.empty()) continue;
    users_.push_back(u);
    held_out_.indices.insert(held_out_.indices.end(), items.begin(), items.end());
    held_out_.values.insert(held_out_.values.end(), items.size(), 1.0f);
    held_out_.indptr.push_back(static_cast<int64_t>(held_out_.indices.size()));
  }
  held_out_.n_rows = static_cast<int32_t>(users_.size());
}

MetricValues Evaluator::Evaluate(const Recommender& model) const {
  const int32_t n_items = train_.n_cols;
  if (model.n_items() != n_items) {
    throw std::invalid_argument("Evaluator: model scores " + std::to_string(model.n_items()) +
                                " items, the split has " + std::to_string(n_items));
  }
  const auto length = static_cast<size_t>(std::min(cutoff_, n_items));
  std::vector<double> discount(length);
  for (size_t j = 0; j < length; ++j) discount[j] = 1.0 / std::log2(static_cast<double>(j) + 2.0);

  const auto n_users = static_cast<int64_t>(users_.size());
  const int64_t n_blocks = (n_users + kEvaluationBlockUsers - 1) / kEvaluationBlockUsers;
  const int workers = ParallelWorkers(n_blocks, 1, n_threads_);
  std::vector<UserMetrics> per_user(static_cast<size_t>(n_users));
  std::vector<std::vector<char>> appeared(static_cast<size_t>(workers),
                                          std::vector<char>(static_cast<size_t>(n_items), 0));
  ParallelFor(n_blocks, 1, n_threads_, [&](int64_t block_begin, int64_t block_end, int worker) {
    std::vector<float> scores;
    std::vector<char> is_relevant(static_cast<size_t>(n_items), 0);
    std::vector<ScoredIndex<float>> ranked;
    std::vector<char>& seen_items = appeared[static_cast<size_t>(worker)];
    for (int64_t block = block_begin; block < block_end; ++block) {
      int64_t first = block * kEvaluationBlockUsers;
      int64_t last = std::min(n_users, first + kEvaluationBlockUsers);
      std::span<const int32_t> block_users(users_.data() + first,
                                           static_cast<size_t>(last - first));
      // ScoreUsers overwrites every entry, so the buffer is only resized.
      scores.resize(block_users.size() * static_cast<size_t>(n_items));
      model.ScoreUsers(train_, block_users, scores);
      for (int64_t k = first; k < last; ++k) {
        std::span<float> row(scores.data() + (k - first) * n_items, static_cast<size_t>(n_items));
        for (int32_t item : train_.RowIndices(users_[k])) {
          row[item] = -std::numeric_limits<float>::infinity();
        }
        SelectTopK<float>(row, length, ranked);
        std::span<const int32_t> truth = held_out_.RowIndices(static_cast<int32_t>(k));
        for (int32_t item : truth) is_relevant[item] = 1;
        per_user[k] =
            ScoreRanking(ranked, is_relevant, static_cast<int64_t>(truth.size()), discount);
        for (int32_t item : truth) is_relevant[item] = 0;
        for (const ScoredIndex<float>& r : ranked) seen_items[r.index] = 1;
      }
    }
  });

  MetricValues out;
  UserMetrics sums{};
  for (const UserMetrics& m : per_user) {
    for (size_t k = 0; k < sums.size(); ++k) sums[k] += m[k];
  }
  const double denominator = static_cast<double>(std::max<int64_t>(n_users, 1));
  out.ndcg = sums[kNdcg] / denominator;
  out.map = sums[kMap] / denominator;
  out.recall = sums[kRecall] / denominator;
  out.hit = sums[kHit] / denominator;
  out.precision = sums[kPrecision] / denominator;
  int64_t n_appeared = 0;
  for (int32_t i = 0; i < n_items; ++i) {
    bool any = false;
    for (const std::vector<char>& a : appeared) any = any || a[static_cast<size_t>(i)];
    n_appeared += any ? 1 : 0;
  }
  out.coverage = static_cast<double>(n_appeared) / static_cast<double>(n_items);
  out.valid_users = n_users;
  out.total_users = total_users_;
  return out;
}

}  // namespace recotem::tune
