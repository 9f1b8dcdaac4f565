#include "recotem/serve/request_id.h"

#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem::serve {

bool IsValidRequestId(std::string_view value, size_t max_length) {
  if (value.empty() || value.size() > max_length) {
    return false;
  }
  for (char c : value) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string ResolveRequestId(const std::string* client_value, const RequestIdRules& rules) {
  if (client_value != nullptr && IsValidRequestId(*client_value, rules.max_length)) {
    return *client_value;
  }
  if (rules.fallback == RequestIdRules::Fallback::kUuid4) {
    return RandomUuid4();
  }
  return HexEncode(RandomBytes(6));  // 12 lowercase hex characters
}

}  // namespace recotem::serve
