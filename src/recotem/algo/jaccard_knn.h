// JaccardKNNRecommender (algorithms.md §4.3; not exposed to recipes): item
// KNN on the binarised matrix with
//   sim = |U_i ∩ U_j| / (|U_j| + |U_i| − |U_i ∩ U_j| + shrinkage + 1e-6).
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/item_knn.h"

namespace recotem {

class JaccardKNNRecommender final : public ItemKnnRecommender {
 public:
  static constexpr const char* kClassName = "JaccardKNNRecommender";

  // Parameters: top_k (100), shrinkage (0).
  explicit JaccardKNNRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;

 protected:
  void SetParams(const HyperParams& params) override;
  Settings knn_settings() const override { return {neighbourhood_, KnnWeighting{}, true}; }
  void SimilarityRow(double consumed_sq_norm, std::span<const int32_t> candidates,
                     const std::vector<double>& candidate_sq_norms,
                     std::span<double> values) const override;

 private:
  KnnNeighbourhood neighbourhood_;
};

}  // namespace recotem
