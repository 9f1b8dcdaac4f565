#include "recotem/algo/cosine_knn.h"

#include <cmath>

namespace recotem {

CosineKNNRecommender::CosineKNNRecommender(const HyperParams& params) { SetParams(params); }

recotem::SearchSpace CosineKNNRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", kKnnSearchTopKLow, kKnnSearchTopKHigh),
      ParamDistribution::FloatUniform("shrinkage", kKnnSearchShrinkageLow, kKnnSearchShrinkageHigh),
      ParamDistribution::Categorical("feature_weighting", {"NONE", "TF_IDF", "BM_25"}),
      ParamDistribution::Categorical("normalize", {false, true}),
  };
}

std::vector<std::string> CosineKNNRecommender::ParameterNames() {
  return {"top_k", "shrinkage", "feature_weighting", "normalize", "bm25_k1", "bm25_b"};
}

void CosineKNNRecommender::SetParams(const HyperParams& params) {
  ParamReader reader(params, kClassName);
  KnnNeighbourhood neighbourhood = KnnNeighbourhood::Read(reader);
  KnnWeighting weighting = KnnWeighting::Read(reader);
  bool normalize = reader.Bool("normalize", false);
  reader.Finish();
  neighbourhood_ = neighbourhood;
  weighting_ = weighting;
  normalize_ = normalize;
}

HyperParams CosineKNNRecommender::params() const {
  HyperParams out = HyperParams::object();
  neighbourhood_.Write(out);
  weighting_.Write(out);
  out["normalize"] = normalize_;
  return out;
}

void CosineKNNRecommender::SimilarityRow(double consumed_sq_norm,
                                         std::span<const int32_t> candidates,
                                         const std::vector<double>& candidate_sq_norms,
                                         std::span<double> values) const {
  if (!normalize_) return;
  const double consumed_norm = std::sqrt(consumed_sq_norm);
  for (size_t t = 0; t < values.size(); ++t) {
    values[t] /= std::sqrt(candidate_sq_norms[candidates[t]]) * consumed_norm +
                 neighbourhood_.shrinkage + kKnnDenominatorEpsilon;
  }
}

}  // namespace recotem
