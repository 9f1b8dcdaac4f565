// ParamDistribution ↔ Optuna distribution JSON (see optuna_distribution.h).
#include "recotem/tune/storage/optuna_distribution.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "recotem/tune/storage/python_json.h"

namespace recotem::tune::storage {

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json IntAttributes(const ParamDistribution& d, bool log) {
  ordered_json attributes;
  attributes["log"] = log;
  attributes["step"] = 1;
  attributes["low"] = static_cast<int64_t>(std::llround(d.low));
  attributes["high"] = static_cast<int64_t>(std::llround(d.high));
  return attributes;
}

ordered_json FloatAttributes(const ParamDistribution& d, bool log) {
  ordered_json attributes;
  attributes["step"] = nullptr;
  attributes["low"] = d.low;
  attributes["high"] = d.high;
  attributes["log"] = log;
  return attributes;
}

ordered_json CategoricalAttributes(const ParamDistribution& d) {
  ordered_json choices = ordered_json::array();
  for (const nlohmann::json& choice : d.choices) choices.push_back(ordered_json(choice));
  ordered_json attributes;
  attributes["choices"] = std::move(choices);
  return attributes;
}

[[noreturn]] void Unsupported(const std::string& name, const std::string& json,
                              const std::string& why) {
  throw std::runtime_error("study storage: parameter '" + name + "' has a distribution " +
                           "Recotem cannot represent (" + why + "): " + json);
}

double Number(const std::string& name, const std::string& json, const nlohmann::json& attributes,
              const char* key) {
  auto it = attributes.find(key);
  if (it == attributes.end() || !it->is_number()) {
    throw std::runtime_error("study storage: parameter '" + name +
                             "' lacks the numeric attribute '" + key + "': " + json);
  }
  return it->get<double>();
}

bool Flag(const nlohmann::json& attributes, const char* key) {
  auto it = attributes.find(key);
  return it != attributes.end() && it->is_boolean() && it->get<bool>();
}

bool StepIsOne(const nlohmann::json& attributes) {
  auto it = attributes.find("step");
  return it == attributes.end() || (it->is_number() && it->get<double>() == 1.0);
}

bool StepIsNull(const nlohmann::json& attributes) {
  auto it = attributes.find("step");
  return it == attributes.end() || it->is_null();
}

ParamDistribution FromParsed(const std::string& name, const std::string& json,
                             const std::string& kind, const nlohmann::json& attributes) {
  if (kind == "CategoricalDistribution") {
    const nlohmann::json& choices = attributes.at("choices");
    return ParamDistribution::Categorical(
        name, std::vector<nlohmann::json>(choices.begin(), choices.end()));
  }
  double low = Number(name, json, attributes, "low");
  double high = Number(name, json, attributes, "high");
  auto as_int = [](double v) { return static_cast<int64_t>(std::llround(v)); };
  if (kind == "IntDistribution") {
    if (!StepIsOne(attributes)) Unsupported(name, json, "integer step other than 1");
    return Flag(attributes, "log") ? ParamDistribution::IntLog(name, as_int(low), as_int(high))
                                   : ParamDistribution::IntUniform(name, as_int(low), as_int(high));
  }
  if (kind == "FloatDistribution") {
    if (!StepIsNull(attributes)) Unsupported(name, json, "discretised float");
    return Flag(attributes, "log") ? ParamDistribution::FloatLog(name, low, high)
                                   : ParamDistribution::FloatUniform(name, low, high);
  }
  if (kind == "UniformDistribution") return ParamDistribution::FloatUniform(name, low, high);
  if (kind == "LogUniformDistribution") return ParamDistribution::FloatLog(name, low, high);
  if (kind == "IntUniformDistribution") {
    if (!StepIsOne(attributes)) Unsupported(name, json, "integer step other than 1");
    return ParamDistribution::IntUniform(name, as_int(low), as_int(high));
  }
  if (kind == "IntLogUniformDistribution") {
    return ParamDistribution::IntLog(name, as_int(low), as_int(high));
  }
  Unsupported(name, json, kind);
}

}  // namespace

std::string ToOptunaDistributionJson(const ParamDistribution& distribution) {
  ordered_json out;
  switch (distribution.kind) {
    case DistributionKind::kIntUniform:
    case DistributionKind::kIntLog:
      out["name"] = "IntDistribution";
      out["attributes"] =
          IntAttributes(distribution, distribution.kind == DistributionKind::kIntLog);
      break;
    case DistributionKind::kFloatUniform:
    case DistributionKind::kFloatLog:
      out["name"] = "FloatDistribution";
      out["attributes"] =
          FloatAttributes(distribution, distribution.kind == DistributionKind::kFloatLog);
      break;
    case DistributionKind::kCategorical:
      out["name"] = "CategoricalDistribution";
      out["attributes"] = CategoricalAttributes(distribution);
      break;
  }
  return PythonJsonDumps(out);
}

ParamDistribution FromOptunaDistributionJson(const std::string& name, const std::string& json) {
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("name") ||
      !parsed["name"].is_string() || !parsed.contains("attributes") ||
      !parsed["attributes"].is_object()) {
    throw std::runtime_error("study storage: parameter '" + name +
                             "' has malformed distribution JSON: " + json);
  }
  try {
    return FromParsed(name, json, parsed["name"].get<std::string>(), parsed["attributes"]);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("study storage: parameter '" + name +
                             "' has malformed distribution JSON (" + e.what() + "): " + json);
  }
}

}  // namespace recotem::tune::storage
