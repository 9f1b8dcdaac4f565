// Validation of `POST /predict/{name}` (serving.md §3.1): the path name and
// the JSON body {user_id: string (required, any length), cutoff: integer
// 1..1000 (default 10)}, unknown fields ignored. Failures are reported as the
// framework's 422 entries {type, loc, msg, input, ctx?} so the body matches
// the seeds: `{"detail": [ ... ]}`. A body that is not JSON yields only the
// `json_invalid` entry; otherwise path and body errors are reported together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem::serve {

inline constexpr int64_t kDefaultCutoff = 10;
inline constexpr int64_t kMinCutoff = 1;
inline constexpr int64_t kMaxCutoff = 1000;
inline constexpr size_t kMaxRecipeNameLength = 64;
inline constexpr const char* kRecipeNamePattern = "^[A-Za-z0-9_-]{1,64}$";

struct PredictRequest {
  std::string user_id;
  int64_t cutoff = kDefaultCutoff;
};

struct PredictValidation {
  std::optional<PredictRequest> request;  // set iff valid
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
};

// True when `name` matches ^[A-Za-z0-9_-]{1,64}$.
bool IsValidRecipeName(std::string_view name);

// Tries the plain body first (ParsePlainPredictBody), then full validation.
PredictValidation ValidatePredictRequest(std::string_view name, std::string_view body);

// The body nearly every client sends — a JSON object of "user_id" (a string
// of printable ASCII without escapes) and optionally "cutoff" (an integer in
// range without sign, fraction or exponent), each once, nothing else —
// read without building a JSON tree. nullopt for any other body, valid or
// not: the full validation decides those. Where this returns a request,
// the full validation returns the same one.
std::optional<PredictRequest> ParsePlainPredictBody(std::string_view body);

}  // namespace recotem::serve
