#include "recotem/algo/rp3beta.h"

#include <limits>

#include "recotem/algo/hyper_params.h"

namespace recotem {

RP3betaRecommender::RP3betaRecommender(const HyperParams& params) { SetParams(params); }

recotem::SearchSpace RP3betaRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", 2, 1000),
      ParamDistribution::FloatLog("beta", 1e-5, 0.5),
      ParamDistribution::Categorical("normalize_weight", {true, false}),
  };
}

std::vector<std::string> RP3betaRecommender::ParameterNames() {
  return {"alpha", "beta", "top_k", "normalize_weight"};
}

void RP3betaRecommender::SetParams(const HyperParams& params) {
  constexpr double kMax = std::numeric_limits<double>::max();
  ParamReader reader(params, kClassName);
  double alpha = reader.Double("alpha", kRp3DefaultAlpha, 0.0, kMax);
  double beta = reader.Double("beta", kRp3DefaultBeta, 0.0, kMax);
  int64_t top_k = reader.Int("top_k", 0, 1, std::numeric_limits<int32_t>::max());
  bool normalize_weight = reader.Bool("normalize_weight", false);
  reader.Finish();
  alpha_ = alpha;
  beta_ = beta;
  top_k_ = top_k > 0 ? std::optional<int64_t>(top_k) : std::nullopt;
  normalize_weight_ = normalize_weight;
}

HyperParams RP3betaRecommender::params() const {
  HyperParams out = HyperParams::object();
  out["alpha"] = alpha_;
  out["beta"] = beta_;
  out["top_k"] = top_k_ ? HyperParams(*top_k_) : HyperParams(nullptr);
  out["normalize_weight"] = normalize_weight_;
  return out;
}

ItemSimilarity RP3betaRecommender::ComputeSimilarity(const CsrMatrix& user_items,
                                                     const FitOptions& options) const {
  RandomWalkOptions walk;
  walk.alpha = alpha_;
  walk.beta = beta_;
  walk.top_k = top_k_.value_or(0);
  walk.normalize_weight = normalize_weight_;
  return ItemSimilarity(RandomWalkSimilarity(user_items, walk, options));
}

}  // namespace recotem
