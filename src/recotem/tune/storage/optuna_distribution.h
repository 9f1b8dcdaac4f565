// Conversion between Recotem's ParamDistribution and Optuna's stored
// distribution JSON (trial_params.distribution_json), byte-identical to
// Optuna 3.1's json.dumps output:
//   IntDistribution   {"log": …, "step": 1, "low": …, "high": …}
//   FloatDistribution {"step": null, "low": …, "high": …, "log": …}
//   CategoricalDistribution {"choices": [...]}
#pragma once

#include <string>

#include "recotem/algo/search_space.h"

namespace recotem::tune::storage {

std::string ToOptunaDistributionJson(const ParamDistribution& distribution);

// Parses Optuna's JSON for the parameter `name`, also the pre-3.0 names
// (UniformDistribution, LogUniformDistribution, IntUniformDistribution,
// IntLogUniformDistribution). Throws std::runtime_error for a distribution
// Recotem cannot represent (a FloatDistribution with a step, an
// IntDistribution with step ≠ 1, DiscreteUniformDistribution) or bad JSON.
ParamDistribution FromOptunaDistributionJson(const std::string& name, const std::string& json);

}  // namespace recotem::tune::storage
