#include "recotem/algo/p3alpha.h"

#include <limits>

#include "recotem/algo/hyper_params.h"

namespace recotem {

P3alphaRecommender::P3alphaRecommender(const HyperParams& params) { SetParams(params); }

recotem::SearchSpace P3alphaRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("top_k", 10, 1000),
      ParamDistribution::Categorical("normalize_weight", {true, false}),
  };
}

std::vector<std::string> P3alphaRecommender::ParameterNames() {
  return {"alpha", "top_k", "normalize_weight"};
}

void P3alphaRecommender::SetParams(const HyperParams& params) {
  constexpr double kMax = std::numeric_limits<double>::max();
  ParamReader reader(params, kClassName);
  double alpha = reader.Double("alpha", kP3DefaultAlpha, 0.0, kMax);
  int64_t top_k = reader.Int("top_k", 0, 1, std::numeric_limits<int32_t>::max());
  bool normalize_weight = reader.Bool("normalize_weight", false);
  reader.Finish();
  alpha_ = alpha;
  top_k_ = top_k > 0 ? std::optional<int64_t>(top_k) : std::nullopt;
  normalize_weight_ = normalize_weight;
}

HyperParams P3alphaRecommender::params() const {
  HyperParams out = HyperParams::object();
  out["alpha"] = alpha_;
  out["top_k"] = top_k_ ? HyperParams(*top_k_) : HyperParams(nullptr);
  out["normalize_weight"] = normalize_weight_;
  return out;
}

ItemSimilarity P3alphaRecommender::ComputeSimilarity(const CsrMatrix& user_items,
                                                     const FitOptions& options) const {
  RandomWalkOptions walk;
  walk.alpha = alpha_;
  walk.beta = 0.0;
  walk.top_k = top_k_.value_or(0);
  walk.normalize_weight = normalize_weight_;
  return ItemSimilarity(RandomWalkSimilarity(user_items, walk, options));
}

}  // namespace recotem
