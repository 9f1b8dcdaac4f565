#include "recotem/tune/study_storage.h"

#include <cmath>

namespace recotem::tune {

namespace {

struct StateName {
  TrialState state;
  const char* name;
};

constexpr StateName kStateNames[] = {
    {TrialState::kRunning, "RUNNING"}, {TrialState::kComplete, "COMPLETE"},
    {TrialState::kPruned, "PRUNED"},   {TrialState::kFail, "FAIL"},
    {TrialState::kWaiting, "WAITING"},
};

}  // namespace

const char* TrialStateName(TrialState state) {
  for (const StateName& entry : kStateNames) {
    if (entry.state == state) return entry.name;
  }
  return "FAIL";
}

std::optional<TrialState> ParseTrialState(std::string_view name) {
  for (const StateName& entry : kStateNames) {
    if (name == entry.name) return entry.state;
  }
  return std::nullopt;
}

nlohmann::json ExternalParamValue(const ParamDistribution& d, double internal_value) {
  switch (d.kind) {
    case DistributionKind::kCategorical: {
      auto index = static_cast<size_t>(std::llround(internal_value));
      return index < d.choices.size() ? d.choices[index] : nlohmann::json(nullptr);
    }
    case DistributionKind::kIntUniform:
    case DistributionKind::kIntLog:
      return std::llround(internal_value);
    case DistributionKind::kFloatUniform:
    case DistributionKind::kFloatLog:
      return internal_value;
  }
  return nullptr;
}

nlohmann::json FrozenTrial::ParamValue(const std::string& name) const {
  auto value = params.find(name);
  auto distribution = distributions.find(name);
  if (value == params.end() || distribution == distributions.end()) return nullptr;
  return ExternalParamValue(distribution->second, value->second);
}

std::string TrialClassName(const FrozenTrial& trial) {
  nlohmann::json choice = trial.ParamValue(kClassParamName);
  if (choice.is_string()) return choice.get<std::string>();
  auto attr = trial.user_attrs.find(kClassParamName);
  if (attr != trial.user_attrs.end() && attr->is_string()) return attr->get<std::string>();
  return "";
}

std::optional<size_t> NextScheduledClass(const ClassSchedule& schedule,
                                         const std::vector<FrozenTrial>& trials) {
  std::vector<int64_t> counts(schedule.classes.size(), 0);
  for (const FrozenTrial& trial : trials) {
    if (trial.state == TrialState::kFail) continue;
    std::string name = TrialClassName(trial);
    for (size_t k = 0; k < schedule.classes.size(); ++k) {
      if (schedule.classes[k] == name) ++counts[k];
    }
  }
  for (size_t k = 0; k < schedule.classes.size(); ++k) {
    if (counts[k] < schedule.budgets[k]) return k;
  }
  return std::nullopt;
}

}  // namespace recotem::tune
