// X-Request-ID resolution (serving.md §2.3). A client value is echoed when it
// matches ^[A-Za-z0-9_-]{1,N}$; otherwise a fresh id is generated. The seed
// routes use N = 64 and a canonical UUIDv4; the /v1 routes use N = 128 and
// 12 lowercase hex characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace recotem::serve {

inline constexpr const char* kRequestIdHeader = "x-request-id";  // lower-cased
inline constexpr const char* kRequestIdResponseHeader = "X-Request-ID";

struct RequestIdRules {
  size_t max_length;
  enum class Fallback { kUuid4, kHex12 } fallback;
};

inline constexpr RequestIdRules kSeedRequestIdRules{64, RequestIdRules::Fallback::kUuid4};
inline constexpr RequestIdRules kV1RequestIdRules{128, RequestIdRules::Fallback::kHex12};

// True when `value` is 1..max_length characters of [A-Za-z0-9_-].
bool IsValidRequestId(std::string_view value, size_t max_length);

// The id for a request whose X-Request-ID header is `client_value`
// (nullptr when absent). Thread-safe.
std::string ResolveRequestId(const std::string* client_value, const RequestIdRules& rules);

}  // namespace recotem::serve
