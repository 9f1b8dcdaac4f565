#include "recotem/algo/tversky_knn.h"

#include <limits>

namespace recotem {

TverskyIndexKNNRecommender::TverskyIndexKNNRecommender(const HyperParams& params) {
  SetParams(params);
}

recotem::SearchSpace TverskyIndexKNNRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", kKnnSearchTopKLow, kKnnSearchTopKHigh),
      ParamDistribution::FloatUniform("shrinkage", kKnnSearchShrinkageLow, kKnnSearchShrinkageHigh),
      ParamDistribution::FloatUniform("alpha", 0.0, 2.0),
      ParamDistribution::FloatUniform("beta", 0.0, 2.0),
  };
}

std::vector<std::string> TverskyIndexKNNRecommender::ParameterNames() {
  return {"top_k", "shrinkage", "alpha", "beta"};
}

void TverskyIndexKNNRecommender::SetParams(const HyperParams& params) {
  ParamReader reader(params, kClassName);
  KnnNeighbourhood neighbourhood = KnnNeighbourhood::Read(reader);
  double alpha =
      reader.Double("alpha", kTverskyDefaultAlpha, 0.0, std::numeric_limits<double>::max());
  double beta = reader.Double("beta", kTverskyDefaultBeta, 0.0, std::numeric_limits<double>::max());
  reader.Finish();
  neighbourhood_ = neighbourhood;
  alpha_ = alpha;
  beta_ = beta;
}

HyperParams TverskyIndexKNNRecommender::params() const {
  HyperParams out = HyperParams::object();
  neighbourhood_.Write(out);
  out["alpha"] = alpha_;
  out["beta"] = beta_;
  return out;
}

void TverskyIndexKNNRecommender::SimilarityRow(double consumed_sq_norm,
                                               std::span<const int32_t> candidates,
                                               const std::vector<double>& candidate_sq_norms,
                                               std::span<double> values) const {
  // Binarised: raw = n∩, consumed_sq_norm = |U_i|, candidate norms = |U_j|.
  for (size_t t = 0; t < values.size(); ++t) {
    const double both = values[t];
    values[t] = both / (both + beta_ * (candidate_sq_norms[candidates[t]] - both) +
                        alpha_ * (consumed_sq_norm - both) + neighbourhood_.shrinkage +
                        kKnnDenominatorEpsilon);
  }
}

}  // namespace recotem
