// TopPopRecommender: every user gets the items ranked by popularity,
// pop_i = Σ_u X[u,i] (algorithms.md §3). No hyperparameters.
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/algo/search_space.h"

namespace recotem {

class TopPopRecommender final : public Recommender {
 public:
  static constexpr const char* kClassName = "TopPopRecommender";

  explicit TopPopRecommender(const HyperParams& params);

  // No hyperparameters: every trial is identical (algorithms.md §14).
  static recotem::SearchSpace SearchSpace() { return {}; }
  static std::vector<std::string> ParameterNames() { return {}; }

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override { return HyperParams::object(); }
  void Fit(const CsrMatrix& user_items) override;
  int32_t n_items() const override { return static_cast<int32_t>(popularity_.size()); }
  void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                  std::span<float> out) const override;
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override;
  void Save(TensorMap& out) const override;
  void Load(const TensorMap& in, int32_t n_items) override;

 private:
  void FillRows(size_t n_rows, std::span<float> out) const;

  std::vector<float> popularity_;
};

}  // namespace recotem
