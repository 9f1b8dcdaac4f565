// AsymmetricCosineKNNRecommender (algorithms.md §4.2; not exposed to
// recipes): item KNN with
//   sim = raw / ((Σ_u Xw[u,j]²)^(1−alpha) · (Σ_u X[u,i]²)^alpha + shrinkage + 1e-6).
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/item_knn.h"

namespace recotem {

inline constexpr double kAsymmetricCosineDefaultAlpha = 0.5;

class AsymmetricCosineKNNRecommender final : public ItemKnnRecommender {
 public:
  static constexpr const char* kClassName = "AsymmetricCosineKNNRecommender";

  // Parameters: top_k (100), shrinkage (0), alpha (0.5, in [0, 1]),
  // feature_weighting ("NONE"), bm25_k1 (1.2), bm25_b (0.75).
  explicit AsymmetricCosineKNNRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;

 protected:
  void SetParams(const HyperParams& params) override;
  Settings knn_settings() const override { return {neighbourhood_, weighting_, false}; }
  void SimilarityRow(double consumed_sq_norm, std::span<const int32_t> candidates,
                     const std::vector<double>& candidate_sq_norms,
                     std::span<double> values) const override;

 private:
  KnnNeighbourhood neighbourhood_;
  KnnWeighting weighting_;
  double alpha_ = kAsymmetricCosineDefaultAlpha;
};

}  // namespace recotem
