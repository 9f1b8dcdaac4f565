// TverskyIndexKNNRecommender (algorithms.md §4.4; not exposed to recipes):
// item KNN on the binarised matrix with, for consumed i and candidate j,
//   sim = n∩ / (n∩ + beta·(|U_j| − n∩) + alpha·(|U_i| − n∩) + shrinkage + 1e-6).
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/item_knn.h"

namespace recotem {

inline constexpr double kTverskyDefaultAlpha = 0.5;
inline constexpr double kTverskyDefaultBeta = 0.5;

class TverskyIndexKNNRecommender final : public ItemKnnRecommender {
 public:
  static constexpr const char* kClassName = "TverskyIndexKNNRecommender";

  // Parameters: top_k (100), shrinkage (0), alpha (0.5), beta (0.5); alpha
  // and beta must be ≥ 0.
  explicit TverskyIndexKNNRecommender(const HyperParams& params);

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
  double alpha_ = kTverskyDefaultAlpha;
  double beta_ = kTverskyDefaultBeta;
};

}  // namespace recotem
