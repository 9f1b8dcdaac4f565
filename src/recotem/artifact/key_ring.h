// KeyRing: the HMAC signing keys of RECOTEM_SIGNING_KEYS (artifact.md §9).
// The first entry is the active key (train signs with it); verification
// accepts any entry. Construction errors are ArtifactErrors (exit 5); a
// missing variable is reported by the caller (serve/inspect exit 8, train
// `signing_key_missing`).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

// The variable that holds the ring: `<kid>:<hex64>[,<kid>:<hex64>…]`.
inline constexpr const char* kSigningKeysEnv = "RECOTEM_SIGNING_KEYS";
inline constexpr size_t kSigningKeyBytes = 32;
// The public development key's kid (its key is 32 zero bytes).
inline constexpr const char* kDevKid = "dev";
// A kid of at least this many characters, all hex digits, is refused: it is
// almost certainly key material pasted before the colon (artifact.md §9.1).
inline constexpr size_t kHexLookingKidMinChars = 32;

struct SigningKey {
  std::string kid;
  std::array<uint8_t, 32> key{};
};

class KeyRing {
 public:
  // Parses the §9.1 grammar. Throws ArtifactError with the catalogue's
  // message (never echoing key material); logs signing_keyring_invalid for
  // duplicate / hex-looking kids and signing_keyring_built on success.
  static KeyRing Parse(std::string_view value);
  // nullopt when RECOTEM_SIGNING_KEYS is unset or blank; else Parse().
  static std::optional<KeyRing> FromEnvironment();
  // The public development key: kid "dev", 32 zero bytes (fingerprint 66687aad).
  static KeyRing DevKey();

  const SigningKey& active() const { return keys_.front(); }
  // The key of `kid` (exact, case-sensitive), or nullptr.
  const SigningKey* Find(std::string_view kid) const;
  const std::vector<SigningKey>& keys() const { return keys_; }

  // First 8 lowercase hex chars of SHA-256 over the 32 raw key bytes.
  static std::string Fingerprint(const std::array<uint8_t, 32>& key);

 private:
  std::vector<SigningKey> keys_;
};

}  // namespace recotem
