// Validation of the /v1 verb bodies (serving.md §4.2–4.5), reporting errors
// as {type, loc, msg} entries in the framework's style (input and ctx are
// never included). Unknown fields are rejected (`extra_forbidden`).
//
// `loc` of a top-level body starts with "body"; batch elements are
// validated with an empty prefix so their first error becomes the element
// message `<dot-joined loc>: <msg>`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem::serve {

inline constexpr int64_t kV1DefaultLimit = 10;
inline constexpr int64_t kV1MinLimit = 1;
inline constexpr int64_t kV1MaxLimit = 1000;
inline constexpr size_t kV1MaxIdChars = 256;
inline constexpr size_t kV1MaxExcludeItems = 1000;
inline constexpr size_t kV1MaxSeedItems = 100;
inline constexpr size_t kV1MaxBatchRequests = 256;
inline constexpr int64_t kV1BatchAggregateLimitCap = 5000;

struct RecommendRequest {
  std::string user_id;
  int64_t limit = kV1DefaultLimit;
  std::vector<std::string> exclude_items;
};

struct RelatedRequest {
  std::vector<std::string> seed_items;
  int64_t limit = kV1DefaultLimit;
  std::vector<std::string> exclude_items;
};

struct BatchRequest {
  nlohmann::json requests;  // the raw elements, validated one by one
  bool include_metadata = false;
};

// Error entries collected while validating.
using V1Errors = nlohmann::ordered_json;  // a JSON array

// Parses `body` as JSON; on failure appends a json_invalid entry.
std::optional<nlohmann::json> ParseV1Body(std::string_view body, V1Errors& errors);

// Validate one element (`prefix` is the loc prefix: ["body"] or []).
std::optional<RecommendRequest> ValidateRecommend(const nlohmann::json& value,
                                                  const nlohmann::ordered_json& prefix,
                                                  V1Errors& errors);
std::optional<RelatedRequest> ValidateRelated(const nlohmann::json& value,
                                              const nlohmann::ordered_json& prefix,
                                              V1Errors& errors);
std::optional<BatchRequest> ValidateBatch(const nlohmann::json& value, V1Errors& errors);

// Appends the path-name error when `name` is not ^[A-Za-z0-9_-]{1,64}$.
void ValidatePathName(std::string_view name, V1Errors& errors);

// `<dot-joined loc>: <msg>` of the first error (batch element messages).
std::string FirstErrorMessage(const V1Errors& errors);

}  // namespace recotem::serve
