// The artifact container, format version 1 (artifact.md §1–2):
//   magic "RECOTEM\0" | u16 version=1 | u16 reserved=0 | u8 K | kid[K] |
//   hmac[32] | u32 N | header_json[N] | payload (rest of file)
// HMAC-SHA256 covers kid ‖ header_json ‖ payload. All integers little-endian.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/artifact/key_ring.h"

namespace recotem {

inline constexpr std::array<uint8_t, 8> kArtifactMagic = {'R', 'E', 'C', 'O', 'T', 'E', 'M', 0};
inline constexpr uint16_t kArtifactFormatVersion = 1;
inline constexpr size_t kMaxKidBytes = 32;
inline constexpr size_t kMaxHeaderJsonBytes = 65536;
inline constexpr size_t kHmacBytes = 32;
// The sentinel shown for a kid that cannot be extracted (artifact.md §15.1).
inline constexpr const char* kUnknownKid = "<unknown>";

// A structurally valid container. Spans point into the parsed buffer, which
// must outlive this object.
struct ParsedContainer {
  std::string kid;
  std::array<uint8_t, kHmacBytes> hmac{};
  std::string_view header_json;
  std::span<const uint8_t> payload;
};

// Structural parse in the order of artifact.md §6.2 step 4; the first failure
// throws ArtifactError with the §7.1 message. The payload may not exceed
// `payload_cap` bytes.
ParsedContainer ParseContainer(std::span<const uint8_t> bytes, uint64_t payload_cap);

// Assembles and signs a container with `key`. Throws ArtifactError when the
// kid is not 1..32 bytes or the header exceeds 65536 bytes.
std::vector<uint8_t> BuildContainer(const SigningKey& key, std::string_view header_json,
                                    std::span<const uint8_t> payload);

// Verifies the HMAC against `ring` in constant time. Throws ArtifactError
// ("artifact signed with unknown kid …" / "HMAC verification failed for kid
// …") after logging artifact_kid_unknown / artifact_hmac_mismatch. The kid in
// both the messages and the events is sanitised: it is attacker-controlled.
void VerifyContainer(const ParsedContainer& container, const KeyRing& ring);

// The kid for log lines about a file that may not parse: the bytes at
// 13..13+K when they are all present, 1 ≤ K ≤ 32 and valid UTF-8 (even if
// the magic is wrong), sanitised for logs (security.md §4); else kUnknownKid.
std::string ExtractKidForLog(std::span<const uint8_t> bytes);

}  // namespace recotem
