// ApiKeyRing: the configured API keys of RECOTEM_API_KEYS (auth.md §2) and
// the constant-time comparison of a presented key's digest against all of
// them (auth.md §3 step 6, §4).
//
// Grammar: entries separated by ',', the whole value and every entry trimmed,
// empty entries skipped; each entry is `kid:sha256:<64 hex>` split on the
// first two ':' only; the family is compared case-insensitively; the hex is
// stored lower-cased; a duplicate kid is an error, a duplicate hash is not.
//
// Error messages never echo an entry's contents (an operator may have pasted
// a plaintext key by mistake): a malformed entry is named by its 1-based
// position; only kids, which are labels, are quoted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recotem::serve {

inline constexpr const char* kApiKeysEnvVar = "RECOTEM_API_KEYS";
inline constexpr size_t kApiKeyDigestHexChars = 64;

struct ApiKeyEntry {
  std::string kid;         // a label for logs and request state
  std::string digest_hex;  // 64 lowercase hex chars (the scrypt digest)
};

class ApiKeyRing {
 public:
  ApiKeyRing() = default;

  // Parses the §2 grammar. An empty or blank value gives an empty ring (the
  // no-auth mode). Throws ConfigError with the spec's messages.
  static ApiKeyRing Parse(std::string_view value);
  // Parse() of RECOTEM_API_KEYS (unset = empty).
  static ApiKeyRing FromEnvironment();

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<ApiKeyEntry>& entries() const { return entries_; }

  // Compares `candidate_hex` against every entry in constant time, never
  // stopping early, and returns the index of the first matching entry in
  // list order, or nullopt. Timing does not depend on which entry matched.
  std::optional<size_t> Match(std::string_view candidate_hex) const;

 private:
  std::vector<ApiKeyEntry> entries_;
};

}  // namespace recotem::serve
