#include "recotem/artifact/key_ring.h"

#include <algorithm>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/redaction.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

// How many characters of a hex-looking kid the refusal message may show.
constexpr size_t kHexLookingKidShownChars = 8;
constexpr size_t kFingerprintHexChars = 8;

const log::Logger& Logger() {
  static const log::Logger logger("recotem.artifact.keyring");
  return logger;
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool LooksLikeHexKeyMaterial(std::string_view kid) {
  return kid.size() >= kHexLookingKidMinChars && std::all_of(kid.begin(), kid.end(), IsHexDigit);
}

// Why HexDecode refused `hex`, in words that never repeat the digits
// themselves (the value is secret).
std::string DescribeBadHex(std::string_view hex) {
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!IsHexDigit(hex[i]) && !IsAsciiSpace(hex[i])) {
      return "non-hexadecimal character at position " + std::to_string(i);
    }
  }
  return "odd number of hex digits or whitespace inside a byte pair";
}

SigningKey ParseEntry(std::string_view entry, size_t position) {
  const std::string where = "malformed KeyRing entry #" + std::to_string(position);
  size_t colon = entry.find(':');
  if (colon == std::string_view::npos) {
    throw ArtifactError(where + ": expected '<kid>:<hex64>'");
  }
  std::string kid(entry.substr(0, colon));
  if (kid.empty()) {
    throw ArtifactError(where + ": kid must not be empty");
  }
  if (LooksLikeHexKeyMaterial(kid)) {
    std::string shown = kid.substr(0, kHexLookingKidShownChars) + "...";
    Logger().Warning(events::kSigningKeyringInvalid,
                     {{"reason", "kid_looks_like_hex_key_material"}, {"kid", shown}});
    throw ArtifactError("KeyRing entry has a kid " + shown +
                        " that looks like raw hex key material (>=32 hex chars).  Use a short "
                        "human label (e.g. 'prod-2026') for the kid; the secret bytes belong "
                        "AFTER the colon.");
  }
  std::string_view hex = entry.substr(colon + 1);
  std::optional<std::vector<uint8_t>> key = HexDecode(hex);
  if (!key) {
    throw ArtifactError("malformed KeyRing entry for kid '" + kid +
                        "': key is not valid hex: " + DescribeBadHex(hex));
  }
  if (key->size() != kSigningKeyBytes) {
    throw ArtifactError("KeyRing entry for kid '" + kid +
                        "': key must decode to exactly 32 bytes, got " +
                        std::to_string(key->size()));
  }
  SigningKey out;
  out.kid = std::move(kid);
  std::copy(key->begin(), key->end(), out.key.begin());
  return out;
}

}  // namespace

KeyRing KeyRing::Parse(std::string_view value) {
  KeyRing ring;
  size_t position = 0;
  for (const std::string& piece : Split(Trim(value), ',')) {
    std::string_view entry = Trim(piece);
    if (entry.empty()) {
      continue;
    }
    ++position;
    SigningKey key = ParseEntry(entry, position);
    if (ring.Find(key.kid) != nullptr) {
      Logger().Warning(events::kSigningKeyringInvalid,
                       {{"reason", "duplicate_kid"}, {"kid", log::SanitizeKid(key.kid)}});
      throw ArtifactError("duplicate kid '" + key.kid + "' in KeyRing entries");
    }
    ring.keys_.push_back(std::move(key));
  }
  if (ring.keys_.empty()) {
    throw ArtifactError("KeyRing requires at least one key entry");
  }

  log::Fields fingerprints = log::Fields::array();
  for (const SigningKey& key : ring.keys_) {
    fingerprints.push_back(
        {{"kid", log::SanitizeKid(key.kid)}, {"fingerprint", Fingerprint(key.key)}});
  }
  Logger().Info(events::kSigningKeyringBuilt, {{"n_keys", ring.keys_.size()},
                                               {"active_kid", log::SanitizeKid(ring.active().kid)},
                                               {"fingerprints", std::move(fingerprints)}});
  return ring;
}

std::optional<KeyRing> KeyRing::FromEnvironment() {
  std::optional<std::string> raw = env::Get(kSigningKeysEnv);
  if (!raw || Trim(*raw).empty()) {
    return std::nullopt;
  }
  return Parse(*raw);
}

KeyRing KeyRing::DevKey() {
  KeyRing ring;
  SigningKey key;
  key.kid = kDevKid;
  ring.keys_.push_back(std::move(key));  // the key bytes stay zero
  return ring;
}

const SigningKey* KeyRing::Find(std::string_view kid) const {
  for (const SigningKey& key : keys_) {
    if (key.kid == kid) {
      return &key;
    }
  }
  return nullptr;
}

std::string KeyRing::Fingerprint(const std::array<uint8_t, 32>& key) {
  return Sha256Hex(std::span<const uint8_t>(key)).substr(0, kFingerprintHexChars);
}

}  // namespace recotem
