#include "recotem/serve/serving_model.h"

#include <algorithm>
#include <limits>
#include <span>
#include <stdexcept>

namespace recotem::serve {

ServingModel::ServingModel(ModelBundle bundle, nlohmann::ordered_json header, std::string kid,
                           std::string sha256_hex)
    : bundle_(std::move(bundle)),
      header_(std::move(header)),
      kid_(std::move(kid)),
      sha256_hex_(std::move(sha256_hex)) {
  if (!bundle_.model) {
    throw std::invalid_argument("model bundle has no recommender");
  }
  if (bundle_.seen.n_rows != bundle_.users.size() || bundle_.seen.n_cols != bundle_.items.size()) {
    throw std::invalid_argument("seen-items matrix shape does not match the id maps");
  }
  if (bundle_.model->n_items() != bundle_.items.size()) {
    throw std::invalid_argument("recommender item count does not match the item map");
  }
  if (std::optional<FactorModelView> factors = bundle_.model->factor_view()) {
    panels_.emplace(*factors);
  }
}

void ServingModel::ScoreRows(std::span<const int32_t> rows, std::span<float> out) const {
  if (panels_) {
    panels_->Score(*bundle_.model->factor_view(), rows, out);
  } else {
    bundle_.model->ScoreUsers(bundle_.seen, rows, out);
  }
}

namespace {

constexpr float kExcluded = -std::numeric_limits<float>::infinity();

// Ranks `scores` (NaN and ±∞ never served) into the top `k`. SelectTopK
// already ranks NaN as −∞ (= kExcluded, dropped below), so only +∞ needs
// masking, and +∞ would come first: the row is masked and ranked again only
// then (one pass less over every row; 6 % of serve's time on a 50k-item
// model).
std::vector<ScoredIndex<float>> RankFinite(std::span<float> scores, size_t k) {
  std::vector<ScoredIndex<float>> top;
  SelectTopK<float>(scores, k, top);
  if (!top.empty() && top.front().score == std::numeric_limits<float>::infinity()) {
    // s − s is 0 exactly when s is finite: a select that vectorises.
    for (float& s : scores) {
      s = s - s == 0.0f ? s : kExcluded;
    }
    SelectTopK<float>(scores, k, top);
  }
  while (!top.empty() && !(top.back().score > kExcluded)) {
    top.pop_back();
  }
  return top;
}

}  // namespace

std::optional<std::vector<ScoredIndex<float>>> ServingModel::RecommendRelated(
    const std::vector<std::string>& seed_item_ids, size_t k) const {
  std::vector<int32_t> columns;
  for (const std::string& id : seed_item_ids) {
    if (std::optional<int32_t> column = bundle_.items.Find(id)) {
      columns.push_back(*column);
    }
  }
  if (columns.empty()) {
    return std::nullopt;
  }
  std::vector<int32_t> rows(columns.size(), 0);
  std::vector<float> ones(columns.size(), 1.0f);
  CsrMatrix profile = CsrMatrix::FromTriplets(1, bundle_.items.size(), rows, columns, ones);
  std::vector<float> scores(static_cast<size_t>(bundle_.items.size()));
  bundle_.model->ScoreProfiles(profile, scores);
  for (int32_t column : columns) {
    scores[static_cast<size_t>(column)] = kExcluded;
  }
  return RankFinite(scores, k);
}

std::optional<std::vector<ScoredIndex<float>>> ServingModel::RecommendForUser(
    std::string_view user_id, size_t k) const {
  UserQuery query{user_id, k};
  return std::move(RecommendForUsers(std::span<const UserQuery>(&query, 1)).front());
}

std::vector<std::optional<std::vector<ScoredIndex<float>>>> ServingModel::RecommendForUsers(
    std::span<const UserQuery> queries) const {
  std::vector<std::optional<std::vector<ScoredIndex<float>>>> results(queries.size());
  const auto n_items = static_cast<size_t>(bundle_.items.size());
  // Known users are scored `chunk` at a time (one pass over the model per
  // call), each exactly as it would be alone (ItemPanels, or
  // Recommender::ScoreUsers' guarantee for calls of that size).
  constexpr size_t chunk = kExactScoreBatchUsers;
  std::vector<size_t> known;  // indices into `queries`
  std::vector<int32_t> rows;
  known.reserve(std::min(queries.size(), chunk));
  rows.reserve(known.capacity());
  // One score buffer per I/O thread, reused by every request it serves.
  thread_local std::vector<float> scores;
  auto score_known = [&] {
    scores.resize(rows.size() * n_items);
    ScoreRows(rows, scores);
    for (size_t b = 0; b < rows.size(); ++b) {
      std::span<float> row(scores.data() + b * n_items, n_items);
      for (int32_t item : bundle_.seen.RowIndices(rows[b])) {
        row[static_cast<size_t>(item)] = kExcluded;
      }
      results[known[b]] = RankFinite(row, queries[known[b]].k);
    }
    known.clear();
    rows.clear();
  };
  for (size_t q = 0; q < queries.size(); ++q) {
    std::optional<int32_t> row = bundle_.users.Find(queries[q].user_id);
    if (!row) {
      continue;  // nullopt: not in the training data
    }
    known.push_back(q);
    rows.push_back(*row);
    if (rows.size() == chunk) {
      score_known();
    }
  }
  if (!rows.empty()) {
    score_known();
  }
  return results;
}

std::optional<std::string> ServingModel::HeaderString(std::string_view key) const {
  if (!header_.is_object()) {
    return std::nullopt;
  }
  auto it = header_.find(key);
  if (it == header_.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace recotem::serve
