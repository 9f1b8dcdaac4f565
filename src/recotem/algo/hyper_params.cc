#include "recotem/algo/hyper_params.h"

#include <cmath>
#include <stdexcept>

#include "recotem/core/strings.h"

namespace recotem {

ParamReader::ParamReader(const HyperParams& params, std::string class_name)
    : params_(params), class_name_(std::move(class_name)) {
  if (!params_.is_null() && !params_.is_object()) {
    throw std::invalid_argument(class_name_ + ": hyperparameters must be an object");
  }
}

void ParamReader::Fail(const char* name, const std::string& why) const {
  throw std::invalid_argument(class_name_ + ": parameter '" + name + "' " + why);
}

const HyperParams* ParamReader::Lookup(const char* name) {
  read_.insert(name);
  if (!params_.is_object()) return nullptr;
  auto it = params_.find(name);
  if (it == params_.end() || it->is_null()) return nullptr;
  return &*it;
}

int64_t ParamReader::Int(const char* name, int64_t default_value, int64_t min, int64_t max) {
  const HyperParams* v = Lookup(name);
  if (v == nullptr) return default_value;
  int64_t out = 0;
  if (v->is_number_integer()) {
    out = v->get<int64_t>();
  } else if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) {
      Fail(name, "must be an integer");
    }
    out = static_cast<int64_t>(d);
  } else {
    Fail(name, "must be an integer");
  }
  if (out < min || out > max) {
    Fail(name, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                   std::to_string(out));
  }
  return out;
}

double ParamReader::Double(const char* name, double default_value, double min, double max) {
  const HyperParams* v = Lookup(name);
  if (v == nullptr) return default_value;
  if (!v->is_number()) Fail(name, "must be a number");
  double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    Fail(name, "must be a finite number in [" + std::to_string(min) + ", " + std::to_string(max) +
                   "], got " + v->dump());
  }
  return d;
}

bool ParamReader::Bool(const char* name, bool default_value) {
  const HyperParams* v = Lookup(name);
  if (v == nullptr) return default_value;
  if (!v->is_boolean()) Fail(name, "must be true or false");
  return v->get<bool>();
}

std::string ParamReader::Choice(const char* name, std::string_view default_value,
                                std::initializer_list<std::string_view> choices) {
  const HyperParams* v = Lookup(name);
  if (v == nullptr) return std::string(default_value);
  if (!v->is_string()) Fail(name, "must be a string");
  std::string given = ToLower(v->get<std::string>());
  std::string allowed;
  for (std::string_view c : choices) {
    if (ToLower(c) == given) return std::string(c);
    allowed += allowed.empty() ? "" : ", ";
    allowed += c;
  }
  Fail(name, "must be one of " + allowed + ", got " + v->dump());
}

void SaveHyperParams(const HyperParams& params, TensorMap& out) {
  std::string json = params.dump();
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(json.data()), json.size());
  out.Put<uint8_t>(kHyperParamsTensor, bytes, {static_cast<int64_t>(json.size())});
}

HyperParams LoadHyperParams(const TensorMap& in) {
  std::vector<uint8_t> bytes = in.Get<uint8_t>(kHyperParamsTensor, {-1});
  HyperParams params = HyperParams::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!params.is_object()) {
    throw std::invalid_argument("tensor 'hyperparameters' is not a JSON object");
  }
  return params;
}

void ParamReader::Finish() const {
  if (!params_.is_object()) return;
  for (auto it = params_.begin(); it != params_.end(); ++it) {
    if (read_.count(it.key()) == 0) {
      throw std::invalid_argument(class_name_ + ": unknown parameter '" + it.key() + "'");
    }
  }
}

}  // namespace recotem
