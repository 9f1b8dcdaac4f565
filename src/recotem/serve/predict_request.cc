#include "recotem/serve/predict_request.h"

#include <cmath>

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

Json Entry(std::string_view type, Json loc, std::string_view msg, Json input, Json ctx = nullptr) {
  Json e = Json::object();
  e["type"] = type;
  e["loc"] = std::move(loc);
  e["msg"] = msg;
  e["input"] = std::move(input);
  if (!ctx.is_null()) {
    e["ctx"] = std::move(ctx);
  }
  return e;
}

// Validates `cutoff`; returns the value or appends an error.
std::optional<int64_t> ValidateCutoff(const Json& value, Json& errors) {
  auto loc = [] { return Json::array({"body", "cutoff"}); };  // built for errors only
  std::optional<double> number;
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(kMaxCutoff)) {
      number = static_cast<double>(value.get<uint64_t>());
    } else {
      number = static_cast<double>(value.get<int64_t>());
    }
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) {
      errors.push_back(Entry("int_from_float", loc(),
                             "Input should be a valid integer, got a number with a fractional part",
                             value));
      return std::nullopt;
    }
    number = d;
  } else {
    // Strings, booleans, null, arrays and objects are not integers here.
    errors.push_back(Entry("int_type", loc(), "Input should be a valid integer", value));
    return std::nullopt;
  }
  if (*number < static_cast<double>(kMinCutoff)) {
    errors.push_back(Entry("greater_than_equal", loc(),
                           "Input should be greater than or equal to " + std::to_string(kMinCutoff),
                           value, Json{{"ge", kMinCutoff}}));
    return std::nullopt;
  }
  if (*number > static_cast<double>(kMaxCutoff)) {
    errors.push_back(Entry("less_than_equal", loc(),
                           "Input should be less than or equal to " + std::to_string(kMaxCutoff),
                           value, Json{{"le", kMaxCutoff}}));
    return std::nullopt;
  }
  return static_cast<int64_t>(*number);
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads a string of printable ASCII other than '"' and '\\' at `at` (on
// the opening quote); moves `at` past the closing quote.
std::optional<std::string_view> PlainString(std::string_view body, size_t& at) {
  if (at >= body.size() || body[at] != '"') {
    return std::nullopt;
  }
  const size_t begin = ++at;
  for (; at < body.size(); ++at) {
    const char c = body[at];
    if (c == '"') {
      return body.substr(begin, at++ - begin);
    }
    if (c < 0x20 || c > 0x7e || c == '\\') {
      return std::nullopt;  // escapes, control and non-ASCII bytes: full parse
    }
  }
  return std::nullopt;
}

// Reads an integer in [kMinCutoff, kMaxCutoff] written as plain digits.
std::optional<int64_t> PlainCutoff(std::string_view body, size_t& at) {
  int64_t value = 0;
  const size_t begin = at;
  for (; at < body.size() && body[at] >= '0' && body[at] <= '9'; ++at) {
    if (at - begin == 4) {
      return std::nullopt;  // more digits than kMaxCutoff has
    }
    value = value * 10 + (body[at] - '0');
  }
  const bool more = at < body.size() && (body[at] == '.' || body[at] == 'e' || body[at] == 'E');
  if (at == begin || body[begin] == '0' || more || value < kMinCutoff || value > kMaxCutoff) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<PredictRequest> ParsePlainPredictBody(std::string_view body) {
  size_t at = 0;
  auto skip_space = [&] {
    while (at < body.size() && IsJsonSpace(body[at])) ++at;
  };
  auto next_is = [&](char c) {
    skip_space();
    if (at < body.size() && body[at] == c) {
      ++at;
      return true;
    }
    return false;
  };
  if (!next_is('{')) {
    return std::nullopt;
  }
  PredictRequest request;
  bool has_user = false;
  bool has_cutoff = false;
  do {
    skip_space();
    std::optional<std::string_view> key = PlainString(body, at);
    if (!key || !next_is(':')) {
      return std::nullopt;
    }
    skip_space();
    if (*key == "user_id" && !has_user) {
      std::optional<std::string_view> user = PlainString(body, at);
      if (!user) {
        return std::nullopt;
      }
      request.user_id = std::string(*user);
      has_user = true;
    } else if (*key == "cutoff" && !has_cutoff) {
      std::optional<int64_t> cutoff = PlainCutoff(body, at);
      if (!cutoff) {
        return std::nullopt;
      }
      request.cutoff = *cutoff;
      has_cutoff = true;
    } else {
      return std::nullopt;  // other or repeated fields: full parse
    }
  } while (next_is(','));
  if (!next_is('}')) {
    return std::nullopt;
  }
  skip_space();
  if (at != body.size() || !has_user) {
    return std::nullopt;
  }
  return request;
}

bool IsValidRecipeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxRecipeNameLength) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

PredictValidation ValidatePredictRequest(std::string_view name, std::string_view body) {
  PredictValidation result;
  if (IsValidRecipeName(name)) {
    if (std::optional<PredictRequest> plain = ParsePlainPredictBody(body)) {
      result.request = std::move(*plain);
      return result;
    }
  }
  Json& errors = result.errors;
  Json parsed;
  if (body.empty()) {
    parsed = nullptr;
  } else {
    try {
      parsed = Json::parse(body);
    } catch (const Json::parse_error& e) {
      size_t position = e.byte > 0 ? e.byte - 1 : 0;
      errors.push_back(Entry("json_invalid", Json::array({"body", position}), "JSON decode error",
                             Json::object(), Json{{"error", "Invalid JSON"}}));
      return result;
    }
  }
  if (!IsValidRecipeName(name)) {
    errors.push_back(Entry("string_pattern_mismatch", Json::array({"path", "name"}),
                           std::string("String should match pattern '") + kRecipeNamePattern + "'",
                           std::string(name), Json{{"pattern", kRecipeNamePattern}}));
  }
  PredictRequest request;
  if (parsed.is_null() && body.empty()) {
    errors.push_back(Entry("missing", Json::array({"body"}), "Field required", nullptr));
  } else if (!parsed.is_object()) {
    errors.push_back(Entry("model_attributes_type", Json::array({"body"}),
                           "Input should be a valid dictionary or object to extract fields from",
                           parsed));
  } else {
    auto user = parsed.find("user_id");
    if (user == parsed.end()) {
      errors.push_back(
          Entry("missing", Json::array({"body", "user_id"}), "Field required", parsed));
    } else if (!user->is_string()) {
      errors.push_back(Entry("string_type", Json::array({"body", "user_id"}),
                             "Input should be a valid string", *user));
    } else {
      request.user_id = user->get<std::string>();
    }
    if (auto cutoff = parsed.find("cutoff"); cutoff != parsed.end()) {
      if (std::optional<int64_t> value = ValidateCutoff(*cutoff, errors)) {
        request.cutoff = *value;
      }
    }
  }
  if (errors.empty()) {
    result.request = std::move(request);
  }
  return result;
}

}  // namespace recotem::serve
