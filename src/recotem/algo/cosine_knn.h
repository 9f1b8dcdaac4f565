// CosineKNNRecommender (algorithms.md §4.1): item KNN whose similarity is
// the raw co-occurrence weight, or with `normalize` the cosine
//   sim = raw / (‖Xw[:,j]‖ · ‖X[:,i]‖ + shrinkage + 1e-6).
// Without `normalize` shrinkage has no effect (as in the original).
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/item_knn.h"

namespace recotem {

class CosineKNNRecommender final : public ItemKnnRecommender {
 public:
  static constexpr const char* kClassName = "CosineKNNRecommender";

  // Parameters: top_k (100), shrinkage (0), normalize (false),
  // feature_weighting ("NONE"), bm25_k1 (1.2), bm25_b (0.75). Throws
  // std::invalid_argument on an unknown name or a bad value.
  explicit CosineKNNRecommender(const HyperParams& params);

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
  bool normalize_ = false;
};

}  // namespace recotem
