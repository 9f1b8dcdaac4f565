#include "recotem/algo/algorithm_registry.h"

#include "recotem/algo/asymmetric_cosine_knn.h"
#include "recotem/algo/bprfm.h"
#include "recotem/algo/cosine_knn.h"
#include "recotem/algo/dense_slim.h"
#include "recotem/algo/ials.h"
#include "recotem/algo/jaccard_knn.h"
#include "recotem/algo/p3alpha.h"
#include "recotem/algo/rp3beta.h"
#include "recotem/algo/top_pop.h"
#include "recotem/algo/truncated_svd.h"
#include "recotem/algo/tversky_knn.h"
#include "recotem/core/strings.h"

namespace recotem {

namespace {

template <typename Model>
AlgorithmInfo Describe(std::vector<std::string> aliases, bool exposed) {
  AlgorithmInfo info;
  info.class_name = Model::kClassName;
  info.aliases = std::move(aliases);
  info.create = [](const HyperParams& p) -> std::unique_ptr<Recommender> {
    return std::make_unique<Model>(p);
  };
  info.search_space = Model::SearchSpace();
  info.parameter_names = Model::ParameterNames();
  info.exposed = exposed;
  return info;
}

}  // namespace

const AlgorithmRegistry& AlgorithmRegistry::Default() {
  static const AlgorithmRegistry* registry = [] {
    auto* r = new AlgorithmRegistry();
    // Exposed to recipes, in the order of recipe.md §9.1.
    r->Register(Describe<IALSRecommender>({"IALS"}, true));
    r->Register(Describe<CosineKNNRecommender>({"CosineKNN", "CosinekNN"}, true));
    r->Register(Describe<TopPopRecommender>({"TopPop"}, true));
    r->Register(Describe<RP3betaRecommender>({"RP3beta"}, true));
    r->Register(Describe<DenseSLIMRecommender>({"DenseSLIM"}, true));
    r->Register(Describe<TruncatedSVDRecommender>({"TruncatedSVD"}, true));
    r->Register(Describe<BPRFMRecommender>({"BPRFM"}, true));
    // Implemented, but not nameable in a recipe.
    r->Register(Describe<P3alphaRecommender>({"P3alpha"}, false));
    r->Register(Describe<AsymmetricCosineKNNRecommender>({"AsymmetricCosineKNN"}, false));
    r->Register(Describe<JaccardKNNRecommender>({"JaccardKNN"}, false));
    r->Register(Describe<TverskyIndexKNNRecommender>({"TverskyIndexKNN"}, false));
    return r;
  }();
  return *registry;
}

void AlgorithmRegistry::Register(AlgorithmInfo info) { algorithms_.push_back(std::move(info)); }

std::optional<std::string> AlgorithmRegistry::ResolveAmong(std::string_view name,
                                                           bool exposed_only) const {
  std::string folded = ToLower(name);
  for (const AlgorithmInfo& a : algorithms_) {
    if (exposed_only && !a.exposed) continue;
    for (const std::string& alias : a.aliases) {
      if (ToLower(alias) == folded) return a.class_name;
    }
  }
  for (const AlgorithmInfo& a : algorithms_) {
    if (exposed_only && !a.exposed) continue;
    std::string canonical = ToLower(a.class_name);
    if (canonical == folded || canonical == folded + "recommender") return a.class_name;
  }
  return std::nullopt;
}

std::optional<std::string> AlgorithmRegistry::Resolve(std::string_view name) const {
  return ResolveAmong(name, true);
}

std::optional<std::string> AlgorithmRegistry::ResolveAny(std::string_view name) const {
  return ResolveAmong(name, false);
}

const AlgorithmInfo* AlgorithmRegistry::Find(std::string_view class_name) const {
  for (const AlgorithmInfo& a : algorithms_) {
    if (a.class_name == class_name) return &a;
  }
  return nullptr;
}

}  // namespace recotem
