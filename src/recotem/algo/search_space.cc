#include "recotem/algo/search_space.h"

#include <cmath>
#include <stdexcept>

namespace recotem {

namespace {

ParamDistribution Numeric(std::string name, DistributionKind kind, double low, double high) {
  if (!(low <= high)) throw std::invalid_argument("search space '" + name + "': low > high");
  bool is_log = kind == DistributionKind::kIntLog || kind == DistributionKind::kFloatLog;
  if (is_log && !(low > 0)) {
    throw std::invalid_argument("search space '" + name + "': log range needs low > 0");
  }
  ParamDistribution d;
  d.name = std::move(name);
  d.kind = kind;
  d.low = low;
  d.high = high;
  return d;
}

}  // namespace

ParamDistribution ParamDistribution::IntUniform(std::string name, int64_t low, int64_t high) {
  return Numeric(std::move(name), DistributionKind::kIntUniform, static_cast<double>(low),
                 static_cast<double>(high));
}

ParamDistribution ParamDistribution::IntLog(std::string name, int64_t low, int64_t high) {
  return Numeric(std::move(name), DistributionKind::kIntLog, static_cast<double>(low),
                 static_cast<double>(high));
}

ParamDistribution ParamDistribution::FloatUniform(std::string name, double low, double high) {
  return Numeric(std::move(name), DistributionKind::kFloatUniform, low, high);
}

ParamDistribution ParamDistribution::FloatLog(std::string name, double low, double high) {
  return Numeric(std::move(name), DistributionKind::kFloatLog, low, high);
}

ParamDistribution ParamDistribution::Categorical(std::string name,
                                                 std::vector<nlohmann::json> choices) {
  if (choices.empty()) throw std::invalid_argument("search space '" + name + "': no choices");
  ParamDistribution d;
  d.name = std::move(name);
  d.kind = DistributionKind::kCategorical;
  d.choices = std::move(choices);
  return d;
}

bool ParamDistribution::Contains(const nlohmann::json& value) const {
  switch (kind) {
    case DistributionKind::kCategorical:
      for (const nlohmann::json& c : choices) {
        if (c == value) return true;
      }
      return false;
    case DistributionKind::kIntUniform:
    case DistributionKind::kIntLog: {
      if (!value.is_number_integer()) return false;
      double v = value.get<double>();
      return v >= low && v <= high;
    }
    case DistributionKind::kFloatUniform:
    case DistributionKind::kFloatLog: {
      if (!value.is_number()) return false;
      double v = value.get<double>();
      return std::isfinite(v) && v >= low && v <= high;
    }
  }
  return false;
}

const char* DistributionKindName(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kIntUniform:
      return "int_uniform";
    case DistributionKind::kIntLog:
      return "int_log";
    case DistributionKind::kFloatUniform:
      return "float_uniform";
    case DistributionKind::kFloatLog:
      return "float_log";
    case DistributionKind::kCategorical:
      return "categorical";
  }
  return "float_uniform";
}

}  // namespace recotem
