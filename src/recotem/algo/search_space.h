// SearchSpace: the hyperparameter distributions an algorithm declares next
// to its code (algorithms.md §14). The search (tune/) samples from them; it
// sees only these declarations, never the algorithm. Parameters are listed
// in suggestion order; a parameter not listed stays at its default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem {

enum class DistributionKind {
  kIntUniform,    // integers in [low, high], step 1
  kIntLog,        // integers in [low, high], log-uniform
  kFloatUniform,  // reals in [low, high]
  kFloatLog,      // reals in [low, high], log-uniform (low > 0)
  kCategorical,   // one of `choices`
};

struct ParamDistribution {
  std::string name;
  DistributionKind kind = DistributionKind::kFloatUniform;
  double low = 0;  // numeric kinds: inclusive bounds
  double high = 0;
  // kCategorical: the values exactly as they are passed in HyperParams
  // (strings, booleans or numbers).
  std::vector<nlohmann::json> choices;

  static ParamDistribution IntUniform(std::string name, int64_t low, int64_t high);
  static ParamDistribution IntLog(std::string name, int64_t low, int64_t high);
  static ParamDistribution FloatUniform(std::string name, double low, double high);
  static ParamDistribution FloatLog(std::string name, double low, double high);
  static ParamDistribution Categorical(std::string name, std::vector<nlohmann::json> choices);

  // True when `value` could have been drawn from this distribution.
  bool Contains(const nlohmann::json& value) const;
};

using SearchSpace = std::vector<ParamDistribution>;

const char* DistributionKindName(DistributionKind kind);

}  // namespace recotem
