// Small TopPop models for serve tests, built in code: users u0..u{n-1},
// items i0..i{m-1}, and a list of (user, item) interactions.
#pragma once

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/algo/top_pop.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/serve/serving_model.h"

namespace recotem::serve::testing {

inline ModelBundle MakeTopPopBundle(int n_users, int n_items,
                                    const std::vector<std::pair<int, int>>& interactions) {
  ModelBundle bundle;
  for (int u = 0; u < n_users; ++u) bundle.users.GetOrAdd("u" + std::to_string(u));
  for (int i = 0; i < n_items; ++i) bundle.items.GetOrAdd("i" + std::to_string(i));
  std::vector<int32_t> rows, cols;
  std::vector<float> vals;
  for (auto [u, i] : interactions) {
    rows.push_back(u);
    cols.push_back(i);
    vals.push_back(1.0f);
  }
  bundle.seen = CsrMatrix::FromTriplets(n_users, n_items, rows, cols, vals);
  auto model = std::make_unique<TopPopRecommender>(HyperParams::object());
  model->Fit(bundle.seen);
  bundle.model = std::move(model);
  return bundle;
}

// A Recommender that gives every user the same fixed score row (for
// ranking edge cases: ties, NaN, ±∞). `fail` makes scoring throw.
class FixedScoresRecommender final : public Recommender {
 public:
  explicit FixedScoresRecommender(std::vector<float> scores, bool fail = false)
      : scores_(std::move(scores)), fail_(fail) {}
  const char* class_name() const override { return "FixedScores"; }
  HyperParams params() const override { return HyperParams::object(); }
  void Fit(const CsrMatrix&) override {}
  int32_t n_items() const override { return static_cast<int32_t>(scores_.size()); }
  void ScoreUsers(const CsrMatrix&, std::span<const int32_t> users,
                  std::span<float> out) const override {
    if (fail_) throw std::runtime_error("scoring failed");
    for (size_t u = 0; u < users.size(); ++u) {
      std::copy(scores_.begin(), scores_.end(), out.begin() + u * scores_.size());
    }
  }
  void ScoreProfiles(const CsrMatrix&, std::span<float>) const override {}
  void Save(TensorMap&) const override {}
  void Load(const TensorMap&, int32_t) override {}

 private:
  std::vector<float> scores_;
  bool fail_;
};

// One user "u0" who has seen `seen`, items i0.., scored by `scores`.
inline std::shared_ptr<const ServingModel> MakeFixedScoresModel(std::vector<float> scores,
                                                                std::vector<int> seen = {},
                                                                bool fail = false) {
  std::vector<std::pair<int, int>> interactions;
  for (int i : seen) interactions.emplace_back(0, i);
  ModelBundle bundle = MakeTopPopBundle(1, static_cast<int>(scores.size()), interactions);
  bundle.model = std::make_unique<FixedScoresRecommender>(std::move(scores), fail);
  return std::make_shared<const ServingModel>(std::move(bundle), nlohmann::ordered_json::object(),
                                              "k", std::string(64, 'b'));
}

inline nlohmann::ordered_json MakeHeader(const std::string& recipe) {
  return nlohmann::ordered_json{{"recipe_name", recipe},
                                {"best_class", "TopPopRecommender"},
                                {"trained_at", "2026-01-02T03:04:05Z"},
                                {"best_score", 0.5}};
}

// Popularity: i0 = 3, i1 = 2, i2 = 2, i3 = 1, i4 = 0. u0 has seen i0.
inline std::shared_ptr<const ServingModel> MakeServingModel(const std::string& recipe = "news",
                                                            const std::string& kid = "k1") {
  auto bundle =
      MakeTopPopBundle(4, 5, {{0, 0}, {1, 0}, {2, 0}, {1, 1}, {2, 1}, {3, 2}, {2, 2}, {3, 3}});
  return std::make_shared<const ServingModel>(std::move(bundle), MakeHeader(recipe), kid,
                                              std::string(64, 'a'));
}

}  // namespace recotem::serve::testing
