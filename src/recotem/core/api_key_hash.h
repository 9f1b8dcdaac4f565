// The API-key digest of auth.md §1. RECOTEM_API_KEYS stores it as
// `sha256:<64 hex>`, but the digest is scrypt (N=2, r=8, p=1, dkLen=32) over
// the key's UTF-8 bytes with the fixed domain-separation salt
// "recotem.api-key.v1". `recotem keygen --type api` prints it; serve's auth
// recomputes it for every X-API-Key header. The cost is deliberately minimal:
// keys are 256-bit random values, and a higher cost would only amplify DoS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace recotem {

inline constexpr std::string_view kApiKeyHashSalt = "recotem.api-key.v1";
inline constexpr uint64_t kApiKeyScryptN = 2;
inline constexpr uint64_t kApiKeyScryptR = 8;
inline constexpr uint64_t kApiKeyScryptP = 1;
inline constexpr size_t kApiKeyHashBytes = 32;
// The format label written before the digest (`sha256:<hex>`); it names the
// format, not the algorithm.
inline constexpr std::string_view kApiKeyHashLabel = "sha256";

// The 64 lowercase hex characters of scrypt(plaintext) as above. The
// plaintext is used byte for byte (not trimmed). Thread-safe.
std::string ApiKeyHash(std::string_view plaintext);

}  // namespace recotem
