#include "recotem/serve/api_key_ring.h"

#include <unordered_set>

#include "recotem/core/api_key_hash.h"
#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem::serve {
namespace {

constexpr const char* kInvalidEntryPrefix = "RECOTEM_API_KEYS contains an invalid entry: ";

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

ApiKeyRing ApiKeyRing::Parse(std::string_view value) {
  ApiKeyRing ring;
  std::unordered_set<std::string> kids;
  size_t position = 0;
  for (const std::string& raw : Split(Trim(value), ',')) {
    std::string_view entry = Trim(raw);
    if (entry.empty()) {
      continue;
    }
    ++position;
    size_t first = entry.find(':');
    size_t second = first == std::string_view::npos ? first : entry.find(':', first + 1);
    if (second == std::string_view::npos ||
        ToLower(entry.substr(first + 1, second - first - 1)) != kApiKeyHashLabel) {
      throw ConfigError(std::string(kInvalidEntryPrefix) + "malformed API key entry #" +
                        std::to_string(position) + ": expected '<kid>:sha256:<hex64>'");
    }
    std::string kid(entry.substr(0, first));
    std::string_view hex = entry.substr(second + 1);
    if (kid.empty()) {
      throw ConfigError(std::string(kInvalidEntryPrefix) +
                        "malformed API key entry: kid must not be empty");
    }
    bool all_hex = true;
    for (char c : hex) {
      all_hex = all_hex && IsHexDigit(c);
    }
    if (hex.size() != kApiKeyDigestHexChars || !all_hex) {
      throw ConfigError(std::string(kInvalidEntryPrefix) + "malformed API key entry for kid '" +
                        kid + "': hash must be exactly 64 hex chars, got " +
                        std::to_string(hex.size()));
    }
    if (!kids.insert(kid).second) {
      throw ConfigError("RECOTEM_API_KEYS contains duplicate kid '" + kid +
                        "'; each kid must appear at most once");
    }
    ring.entries_.push_back({std::move(kid), ToLower(hex)});
  }
  return ring;
}

ApiKeyRing ApiKeyRing::FromEnvironment() { return Parse(env::GetOr(kApiKeysEnvVar)); }

std::optional<size_t> ApiKeyRing::Match(std::string_view candidate_hex) const {
  size_t matched = entries_.size();
  for (size_t i = 0; i < entries_.size(); ++i) {
    // Every entry is compared; the first match is kept without an early exit.
    bool equal = ConstantTimeEqual(candidate_hex, entries_[i].digest_hex);
    matched = (equal && matched == entries_.size()) ? i : matched;
  }
  if (matched == entries_.size()) {
    return std::nullopt;
  }
  return matched;
}

}  // namespace recotem::serve
