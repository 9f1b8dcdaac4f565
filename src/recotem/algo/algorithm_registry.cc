#include "recotem/algo/algorithm_registry.h"

#include "recotem/algo/top_pop.h"
#include "recotem/core/strings.h"

namespace recotem {

const AlgorithmRegistry& AlgorithmRegistry::Default() {
  static const AlgorithmRegistry* registry = [] {
    auto* r = new AlgorithmRegistry();
    r->Register({TopPopRecommender::kClassName,
                 {"TopPop"},
                 [](const HyperParams& p) { return std::make_unique<TopPopRecommender>(p); }});
    return r;
  }();
  return *registry;
}

void AlgorithmRegistry::Register(AlgorithmInfo info) { algorithms_.push_back(std::move(info)); }

std::optional<std::string> AlgorithmRegistry::Resolve(std::string_view name) const {
  std::string folded = ToLower(name);
  for (const AlgorithmInfo& a : algorithms_) {
    for (const std::string& alias : a.aliases) {
      if (ToLower(alias) == folded) return a.class_name;
    }
  }
  for (const AlgorithmInfo& a : algorithms_) {
    std::string canonical = ToLower(a.class_name);
    if (canonical == folded || canonical == folded + "recommender") return a.class_name;
  }
  return std::nullopt;
}

const AlgorithmInfo* AlgorithmRegistry::Find(std::string_view class_name) const {
  for (const AlgorithmInfo& a : algorithms_) {
    if (a.class_name == class_name) return &a;
  }
  return nullptr;
}

}  // namespace recotem
