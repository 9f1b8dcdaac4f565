// AlgorithmRegistry: canonical class names, their recipe aliases
// (recipe.md §9.1), hyperparameter names, search spaces (algorithms.md §14)
// and factories. It is also the allow-list of model classes an artifact may
// name: a reader refuses a class that is not registered.
//
// The registry holds the seven classes recotem exposes plus the irspack
// classes it does not (P3alpha, AsymmetricCosineKNN, JaccardKNN,
// TverskyIndexKNN). Resolve() — what a recipe sees — only finds the exposed
// ones; ResolveAny() and Find() see all of them (benchmarks, tests).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/algo/search_space.h"

namespace recotem {

struct AlgorithmInfo {
  std::string class_name;            // e.g. "TopPopRecommender"
  std::vector<std::string> aliases;  // e.g. {"TopPop"}
  std::function<std::unique_ptr<Recommender>(const HyperParams&)> create;
  // The distributions the search samples, in suggestion order.
  SearchSpace search_space;
  // Every hyperparameter name the factory accepts (refit filters
  // best_params to these, training.md §12 step 3). Others are rejected.
  std::vector<std::string> parameter_names;
  // False for classes a recipe cannot name (recipe.md §9.1).
  bool exposed = true;
};

class AlgorithmRegistry {
 public:
  // The registry of every built-in algorithm.
  static const AlgorithmRegistry& Default();

  void Register(AlgorithmInfo info);

  // Resolves a recipe name (alias, class name, or name + "Recommender",
  // case-insensitively, in that order) to the canonical class name of an
  // exposed algorithm.
  std::optional<std::string> Resolve(std::string_view name) const;
  // As Resolve(), over every registered algorithm.
  std::optional<std::string> ResolveAny(std::string_view name) const;
  // The entry for an exact canonical class name, or nullptr.
  const AlgorithmInfo* Find(std::string_view class_name) const;
  const std::vector<AlgorithmInfo>& algorithms() const { return algorithms_; }

 private:
  std::optional<std::string> ResolveAmong(std::string_view name, bool exposed_only) const;

  std::vector<AlgorithmInfo> algorithms_;
};

}  // namespace recotem
