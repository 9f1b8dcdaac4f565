// RP3betaRecommender (algorithms.md §5): the three-step random walk
// item → user → item with a popularity penalty pop_i^beta on the target,
// top_k per target column, optional row normalisation
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

inline constexpr double kRp3DefaultAlpha = 1.0;
inline constexpr double kRp3DefaultBeta = 0.6;

class RP3betaRecommender final : public SimilarityRecommender {
 public:
  static constexpr const char* kClassName = "RP3betaRecommender";

  // Parameters: alpha (1), beta (0.6), top_k (null = every item),
  // normalize_weight (false).
  explicit RP3betaRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;

 protected:
  ItemSimilarity ComputeSimilarity(const CsrMatrix& user_items,
                                   const FitOptions& options) const override;
  void SetParams(const HyperParams& params) override;

 private:
  double alpha_ = kRp3DefaultAlpha;
  double beta_ = kRp3DefaultBeta;
  std::optional<int64_t> top_k_;
  bool normalize_weight_ = false;
};

}  // namespace recotem
