// P3alphaRecommender (algorithms.md §6; not exposed to recipes): the
// three-step random walk item → user → item without RP3beta's popularity
// penalty, top_k per target column, optional row normalisation
// (random_walk_similarity.h). score(u, ·) = X_u · W.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recotem/algo/random_walk_similarity.h"
#include "recotem/algo/search_space.h"
#include "recotem/algo/similarity_recommender.h"

namespace recotem {

inline constexpr double kP3DefaultAlpha = 1.0;

class P3alphaRecommender final : public SimilarityRecommender {
 public:
  static constexpr const char* kClassName = "P3alphaRecommender";

  // Parameters: alpha (1), top_k (null = every item), normalize_weight
  // (false).
  explicit P3alphaRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;

 protected:
  ItemSimilarity ComputeSimilarity(const CsrMatrix& user_items,
                                   const FitOptions& options) const override;
  void SetParams(const HyperParams& params) override;

 private:
  double alpha_ = kP3DefaultAlpha;
  std::optional<int64_t> top_k_;
  bool normalize_weight_ = false;
};

}  // namespace recotem
