#include "recotem/algo/asymmetric_cosine_knn.h"

#include <cmath>

namespace recotem {

AsymmetricCosineKNNRecommender::AsymmetricCosineKNNRecommender(const HyperParams& params) {
  SetParams(params);
}

recotem::SearchSpace AsymmetricCosineKNNRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", kKnnSearchTopKLow, kKnnSearchTopKHigh),
      ParamDistribution::FloatUniform("shrinkage", kKnnSearchShrinkageLow, kKnnSearchShrinkageHigh),
      ParamDistribution::Categorical("feature_weighting", {"NONE", "TF_IDF", "BM_25"}),
      ParamDistribution::FloatUniform("alpha", 0.0, 1.0),
  };
}

std::vector<std::string> AsymmetricCosineKNNRecommender::ParameterNames() {
  return {"top_k", "shrinkage", "feature_weighting", "alpha", "bm25_k1", "bm25_b"};
}

void AsymmetricCosineKNNRecommender::SetParams(const HyperParams& params) {
  ParamReader reader(params, kClassName);
  KnnNeighbourhood neighbourhood = KnnNeighbourhood::Read(reader);
  KnnWeighting weighting = KnnWeighting::Read(reader);
  double alpha = reader.Double("alpha", kAsymmetricCosineDefaultAlpha, 0.0, 1.0);
  reader.Finish();
  neighbourhood_ = neighbourhood;
  weighting_ = weighting;
  alpha_ = alpha;
}

HyperParams AsymmetricCosineKNNRecommender::params() const {
  HyperParams out = HyperParams::object();
  neighbourhood_.Write(out);
  weighting_.Write(out);
  out["alpha"] = alpha_;
  return out;
}

void AsymmetricCosineKNNRecommender::SimilarityRow(double consumed_sq_norm,
                                                   std::span<const int32_t> candidates,
                                                   const std::vector<double>& candidate_sq_norms,
                                                   std::span<double> values) const {
  const double consumed_part = std::pow(consumed_sq_norm, alpha_);
  for (size_t t = 0; t < values.size(); ++t) {
    values[t] /= std::pow(candidate_sq_norms[candidates[t]], 1.0 - alpha_) * consumed_part +
                 neighbourhood_.shrinkage + kKnnDenominatorEpsilon;
  }
}

}  // namespace recotem
