// Log redaction (security.md §3.2) and kid sanitisation (§4). Applied to every
// record before it is rendered, so no secret value reaches stderr.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem::log {

// True when a field of this name must be replaced by "[REDACTED]". The two
// security.posture fields `auth_enabled` and `signing_key_status` are not
// secrets and are exempt (docs/compatibility.md).
bool IsSensitiveFieldName(std::string_view name);

// Masks URL userinfo of credential-bearing schemes, 64+ hex-digit runs and
// 43+ base64url runs, in that order. Strings starting "[REDACTED" pass as is.
std::string ScrubString(std::string_view value);

// Redacts an object/array tree in place: sensitive names lose their value,
// every other string is scrubbed.
void RedactFields(nlohmann::ordered_json& value);

// Kid as it may be logged: [A-Za-z0-9_.:-] kept, anything else as \xHH,
// at most 64 characters then "...", empty input as "<empty>".
std::string SanitizeKid(std::string_view kid);

}  // namespace recotem::log
