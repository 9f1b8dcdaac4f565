// ParamReader: typed, range-checked reads of an algorithm's HyperParams.
// Every constructor reads its parameters through one reader and then calls
// Finish(), so a wrong type, an out-of-range value or an unknown name fails
// loudly (std::invalid_argument, which refit reports as
// `final_training_error`) instead of silently falling back to a default.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "recotem/algo/recommender.h"
#include "recotem/algo/tensor_map.h"

namespace recotem {

// Name of the U8 tensor holding a model's params() as compact JSON, so a
// loaded model reports (and scores with) the parameters it was trained with.
inline constexpr const char* kHyperParamsTensor = "hyperparameters";

void SaveHyperParams(const HyperParams& params, TensorMap& out);
// Throws std::invalid_argument when the tensor is missing, not U8 or not a
// JSON object.
HyperParams LoadHyperParams(const TensorMap& in);

class ParamReader {
 public:
  // `params` must be an object or null (= no parameters).
  ParamReader(const HyperParams& params, std::string class_name);

  // An integer in [min, max]; integral floats (64.0) are accepted.
  int64_t Int(const char* name, int64_t default_value, int64_t min, int64_t max);
  // A finite number in [min, max].
  double Double(const char* name, double default_value, double min, double max);
  // A JSON boolean.
  bool Bool(const char* name, bool default_value);
  // A string equal (case-insensitively) to one of `choices`; returns the
  // choice's canonical spelling.
  std::string Choice(const char* name, std::string_view default_value,
                     std::initializer_list<std::string_view> choices);

  // Throws if `params` named a parameter no getter asked for.
  void Finish() const;

 private:
  [[noreturn]] void Fail(const char* name, const std::string& why) const;
  const HyperParams* Lookup(const char* name);

  const HyperParams& params_;
  std::string class_name_;
  std::set<std::string> read_;
};

}  // namespace recotem
