// AlgorithmRegistry: canonical class names, their recipe aliases
// (recipe.md §9.1) and factories. It is also the allow-list of model classes
// an artifact may name: a reader refuses a class that is not registered.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/algo/recommender.h"

namespace recotem {

struct AlgorithmInfo {
  std::string class_name;              // e.g. "TopPopRecommender"
  std::vector<std::string> aliases;    // e.g. {"TopPop"}
  std::function<std::unique_ptr<Recommender>(const HyperParams&)> create;
};

class AlgorithmRegistry {
 public:
  // The registry of every built-in algorithm.
  static const AlgorithmRegistry& Default();

  void Register(AlgorithmInfo info);

  // Resolves a recipe name (alias, class name, or name + "Recommender",
  // case-insensitively) to its canonical class name.
  std::optional<std::string> Resolve(std::string_view name) const;
  // The entry for an exact canonical class name, or nullptr.
  const AlgorithmInfo* Find(std::string_view class_name) const;
  const std::vector<AlgorithmInfo>& algorithms() const { return algorithms_; }

 private:
  std::vector<AlgorithmInfo> algorithms_;
};

}  // namespace recotem
