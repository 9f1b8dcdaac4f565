#include "recotem/algo/jaccard_knn.h"

namespace recotem {

JaccardKNNRecommender::JaccardKNNRecommender(const HyperParams& params) { SetParams(params); }

recotem::SearchSpace JaccardKNNRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", kKnnSearchTopKLow, kKnnSearchTopKHigh),
      ParamDistribution::FloatUniform("shrinkage", kKnnSearchShrinkageLow, kKnnSearchShrinkageHigh),
  };
}

std::vector<std::string> JaccardKNNRecommender::ParameterNames() { return {"top_k", "shrinkage"}; }

void JaccardKNNRecommender::SetParams(const HyperParams& params) {
  ParamReader reader(params, kClassName);
  KnnNeighbourhood neighbourhood = KnnNeighbourhood::Read(reader);
  reader.Finish();
  neighbourhood_ = neighbourhood;
}

HyperParams JaccardKNNRecommender::params() const {
  HyperParams out = HyperParams::object();
  neighbourhood_.Write(out);
  return out;
}

void JaccardKNNRecommender::SimilarityRow(double consumed_sq_norm,
                                          std::span<const int32_t> candidates,
                                          const std::vector<double>& candidate_sq_norms,
                                          std::span<double> values) const {
  // Binarised: raw = |U_i ∩ U_j|, the squared norms are |U_i| and |U_j|.
  for (size_t t = 0; t < values.size(); ++t) {
    const double both = values[t];
    values[t] = both / (candidate_sq_norms[candidates[t]] + consumed_sq_norm - both +
                        neighbourhood_.shrinkage + kKnnDenominatorEpsilon);
  }
}

}  // namespace recotem
