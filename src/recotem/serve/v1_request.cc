#include "recotem/serve/v1_request.h"

#include <set>

#include "recotem/serve/predict_request.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

OJson Loc(const OJson& prefix, std::initializer_list<OJson> parts) {
  OJson loc = prefix;
  for (const OJson& p : parts) {
    loc.push_back(p);
  }
  return loc;
}

void Add(V1Errors& errors, std::string_view type, OJson loc, std::string msg) {
  OJson e = OJson::object();
  e["type"] = type;
  e["loc"] = std::move(loc);
  e["msg"] = std::move(msg);
  errors.push_back(std::move(e));
}

// Code points in UTF-8 text (the original counts characters, not bytes).
size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

bool RejectExtraFields(const Json& obj, const std::set<std::string>& allowed, const OJson& prefix,
                       V1Errors& errors) {
  bool ok = true;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.contains(it.key())) {
      Add(errors, "extra_forbidden", Loc(prefix, {it.key()}), "Extra inputs are not permitted");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> IdString(const Json& value, const OJson& loc, V1Errors& errors) {
  if (!value.is_string()) {
    Add(errors, "string_type", loc, "Input should be a valid string");
    return std::nullopt;
  }
  const std::string& s = value.get_ref<const std::string&>();
  size_t chars = CharCount(s);
  if (chars < 1) {
    Add(errors, "string_too_short", loc, "String should have at least 1 character");
    return std::nullopt;
  }
  if (chars > kV1MaxIdChars) {
    Add(errors, "string_too_long", loc,
        "String should have at most " + std::to_string(kV1MaxIdChars) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> Limit(const Json& obj, const OJson& prefix, V1Errors& errors) {
  auto it = obj.find("limit");
  if (it == obj.end()) {
    return kV1DefaultLimit;
  }
  OJson loc = Loc(prefix, {"limit"});
  if (!it->is_number_integer()) {
    Add(errors, "int_type", loc, "Input should be a valid integer");
    return std::nullopt;
  }
  bool too_big = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{kV1MaxLimit};
  int64_t v = too_big ? kV1MaxLimit + 1 : it->get<int64_t>();
  if (v < kV1MinLimit) {
    Add(errors, "greater_than_equal", loc,
        "Input should be greater than or equal to " + std::to_string(kV1MinLimit));
    return std::nullopt;
  }
  if (v > kV1MaxLimit) {
    Add(errors, "less_than_equal", loc,
        "Input should be less than or equal to " + std::to_string(kV1MaxLimit));
    return std::nullopt;
  }
  return v;
}

// A list of ids with `min`..`max` elements; `required` when absent is an error.
std::optional<std::vector<std::string>> IdList(const Json& obj, const char* field, size_t min,
                                               size_t max, bool required, const OJson& prefix,
                                               V1Errors& errors) {
  OJson loc = Loc(prefix, {field});
  auto it = obj.find(field);
  if (it == obj.end() || (!required && it->is_null())) {
    if (required) {
      Add(errors, "missing", loc, "Field required");
      return std::nullopt;
    }
    return std::vector<std::string>{};
  }
  if (!it->is_array()) {
    Add(errors, "list_type", loc, "Input should be a valid list");
    return std::nullopt;
  }
  if (it->size() < min) {
    Add(errors, "too_short", loc,
        "List should have at least " + std::to_string(min) + " item after validation, not " +
            std::to_string(it->size()));
    return std::nullopt;
  }
  if (it->size() > max) {
    Add(errors, "too_long", loc,
        "List should have at most " + std::to_string(max) + " items after validation, not " +
            std::to_string(it->size()));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(it->size());
  bool ok = true;
  for (size_t i = 0; i < it->size(); ++i) {
    if (auto id = IdString((*it)[i], Loc(loc, {i}), errors)) {
      out.push_back(std::move(*id));
    } else {
      ok = false;
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

bool RequireObject(const Json& value, const OJson& prefix, V1Errors& errors) {
  if (value.is_object()) {
    return true;
  }
  Add(errors, "model_attributes_type", prefix,
      "Input should be a valid dictionary or object to extract fields from");
  return false;
}

}  // namespace

std::optional<Json> ParseV1Body(std::string_view body, V1Errors& errors) {
  try {
    return Json::parse(body);
  } catch (const Json::parse_error& e) {
    size_t position = e.byte > 0 ? e.byte - 1 : 0;
    Add(errors, "json_invalid", OJson::array({"body", position}), "JSON decode error");
    return std::nullopt;
  }
}

void ValidatePathName(std::string_view name, V1Errors& errors) {
  if (!IsValidRecipeName(name)) {
    Add(errors, "string_pattern_mismatch", OJson::array({"path", "name"}),
        std::string("String should match pattern '") + kRecipeNamePattern + "'");
  }
}

std::optional<RecommendRequest> ValidateRecommend(const Json& value, const OJson& prefix,
                                                  V1Errors& errors) {
  if (!RequireObject(value, prefix, errors)) {
    return std::nullopt;
  }
  size_t before = errors.size();
  RejectExtraFields(value, {"user_id", "limit", "exclude_items"}, prefix, errors);
  RecommendRequest request;
  auto user = value.find("user_id");
  if (user == value.end()) {
    Add(errors, "missing", Loc(prefix, {"user_id"}), "Field required");
  } else if (auto id = IdString(*user, Loc(prefix, {"user_id"}), errors)) {
    request.user_id = std::move(*id);
  }
  if (auto limit = Limit(value, prefix, errors)) {
    request.limit = *limit;
  }
  if (auto excluded =
          IdList(value, "exclude_items", 0, kV1MaxExcludeItems, false, prefix, errors)) {
    request.exclude_items = std::move(*excluded);
  }
  return errors.size() == before ? std::optional(std::move(request)) : std::nullopt;
}

std::optional<RelatedRequest> ValidateRelated(const Json& value, const OJson& prefix,
                                              V1Errors& errors) {
  if (!RequireObject(value, prefix, errors)) {
    return std::nullopt;
  }
  size_t before = errors.size();
  RejectExtraFields(value, {"seed_items", "limit", "exclude_items"}, prefix, errors);
  RelatedRequest request;
  if (auto seeds = IdList(value, "seed_items", 1, kV1MaxSeedItems, true, prefix, errors)) {
    request.seed_items = std::move(*seeds);
  }
  if (auto limit = Limit(value, prefix, errors)) {
    request.limit = *limit;
  }
  if (auto excluded =
          IdList(value, "exclude_items", 0, kV1MaxExcludeItems, false, prefix, errors)) {
    request.exclude_items = std::move(*excluded);
  }
  return errors.size() == before ? std::optional(std::move(request)) : std::nullopt;
}

std::optional<BatchRequest> ValidateBatch(const Json& value, V1Errors& errors) {
  OJson prefix = OJson::array({"body"});
  if (!RequireObject(value, prefix, errors)) {
    return std::nullopt;
  }
  size_t before = errors.size();
  RejectExtraFields(value, {"requests", "include_metadata"}, prefix, errors);
  BatchRequest batch;
  auto requests = value.find("requests");
  OJson loc = Loc(prefix, {"requests"});
  if (requests == value.end()) {
    Add(errors, "missing", loc, "Field required");
  } else if (!requests->is_array()) {
    Add(errors, "list_type", loc, "Input should be a valid list");
  } else if (requests->empty()) {
    Add(errors, "too_short", loc, "List should have at least 1 item after validation, not 0");
  } else if (requests->size() > kV1MaxBatchRequests) {
    Add(errors, "too_long", loc,
        "List should have at most " + std::to_string(kV1MaxBatchRequests) +
            " items after validation, not " + std::to_string(requests->size()));
  } else {
    batch.requests = *requests;
  }
  if (auto include = value.find("include_metadata"); include != value.end()) {
    if (!include->is_boolean()) {
      Add(errors, "bool_type", Loc(prefix, {"include_metadata"}),
          "Input should be a valid boolean");
    } else {
      batch.include_metadata = include->get<bool>();
    }
  }
  return errors.size() == before ? std::optional(std::move(batch)) : std::nullopt;
}

std::string FirstErrorMessage(const V1Errors& errors) {
  if (errors.empty()) {
    return "";
  }
  const OJson& first = errors.front();
  std::string loc;
  for (const OJson& part : first["loc"]) {
    loc += (loc.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
  }
  return loc + ": " + first["msg"].get<std::string>();
}

}  // namespace recotem::serve
