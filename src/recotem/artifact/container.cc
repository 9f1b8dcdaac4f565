#include "recotem/artifact/container.h"

#include <algorithm>
#include <cstdio>

#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/redaction.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

// Field offsets and sizes of artifact.md §1.
constexpr size_t kVersionOffset = 8;
constexpr size_t kReservedOffset = 10;
constexpr size_t kKidLenOffset = 12;
constexpr size_t kKidOffset = 13;
constexpr size_t kHeaderLenBytes = 4;

const log::Logger& Logger() {
  static const log::Logger logger("recotem.artifact");
  return logger;
}

uint16_t LoadLe16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

void AppendLe16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v & 0xFF));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

void AppendLe32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

std::string_view AsText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Python's repr of a bytes value without the b'' wrapper, for the
// "magic bytes mismatch" message.
std::string BytesRepr(std::span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) {
    if (b == '\\' || b == '\'') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b == '\t') {
      out += "\\t";
    } else if (b == '\n') {
      out += "\\n";
    } else if (b == '\r') {
      out += "\\r";
    } else if (b >= 0x20 && b < 0x7F) {
      out += static_cast<char>(b);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

// The expected length of the UTF-8 sequence that starts with `lead`.
size_t Utf8SequenceLength(uint8_t lead) {
  if (lead < 0x80) {
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    return 3;
  }
  if ((lead & 0xF8) == 0xF0) {
    return 4;
  }
  return 1;  // a continuation or invalid lead byte: invalid on its own
}

// Where `text` (known to be invalid UTF-8) first goes wrong, for the
// "<decoder detail>" of §7.1. Each sequence is judged by IsValidUtf8, so the
// rules (overlongs, surrogates) are defined in one place.
std::string DescribeInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t len = Utf8SequenceLength(static_cast<uint8_t>(text[i]));
    if (i + len > text.size() || !IsValidUtf8(text.substr(i, len))) {
      break;
    }
    i += len;
  }
  char buf[64];
  if (i >= text.size()) {
    return "invalid UTF-8";
  }
  std::snprintf(buf, sizeof(buf), "invalid byte 0x%02x in sequence at position %zu",
                static_cast<uint8_t>(text[i]), i);
  return buf;
}

[[noreturn]] void ThrowTooShort(const char* what) {
  throw ArtifactError(std::string("artifact too short: ") + what);
}

std::string QuotedKid(std::string_view kid) { return "'" + log::SanitizeKid(kid) + "'"; }

}  // namespace

ParsedContainer ParseContainer(std::span<const uint8_t> bytes, uint64_t payload_cap) {
  const size_t total = bytes.size();
  if (total < kArtifactMagic.size()) {
    ThrowTooShort("missing magic bytes");
  }
  if (!std::equal(kArtifactMagic.begin(), kArtifactMagic.end(), bytes.begin())) {
    throw ArtifactError("magic bytes mismatch: expected b'RECOTEM\\x00', got b'" +
                        BytesRepr(bytes.first(kArtifactMagic.size())) + "'");
  }
  if (total < kKidLenOffset) {
    ThrowTooShort("missing version/reserved fields");
  }
  uint16_t version = LoadLe16(&bytes[kVersionOffset]);
  if (version < 1 || version > kArtifactFormatVersion) {
    throw ArtifactError("unsupported format version " + std::to_string(version) +
                        "; this build supports up to version " +
                        std::to_string(kArtifactFormatVersion));
  }
  uint16_t reserved = LoadLe16(&bytes[kReservedOffset]);
  if (reserved != 0) {
    throw ArtifactError("reserved bytes must be 0, got " + std::to_string(reserved));
  }
  if (total < kKidOffset) {
    ThrowTooShort("missing kid_len byte");
  }
  size_t kid_len = bytes[kKidLenOffset];
  if (kid_len < 1 || kid_len > kMaxKidBytes) {
    throw ArtifactError("kid_len " + std::to_string(kid_len) + " out of range [1, " +
                        std::to_string(kMaxKidBytes) + "]");
  }
  size_t offset = kKidOffset;
  if (total - offset < kid_len) {
    ThrowTooShort("truncated kid bytes");
  }
  std::string_view kid = AsText(bytes.subspan(offset, kid_len));
  if (!IsValidUtf8(kid)) {
    throw ArtifactError("kid is not valid UTF-8: " + DescribeInvalidUtf8(kid));
  }
  offset += kid_len;

  ParsedContainer out;
  out.kid = std::string(kid);
  if (total - offset < kHmacBytes) {
    ThrowTooShort("truncated HMAC field");
  }
  std::copy_n(bytes.begin() + static_cast<ptrdiff_t>(offset), kHmacBytes, out.hmac.begin());
  offset += kHmacBytes;

  if (total - offset < kHeaderLenBytes) {
    ThrowTooShort("missing header_len field");
  }
  uint32_t header_len = LoadLe32(&bytes[offset]);
  offset += kHeaderLenBytes;
  if (header_len > kMaxHeaderJsonBytes) {
    throw ArtifactError("header_len " + std::to_string(header_len) + " exceeds maximum " +
                        std::to_string(kMaxHeaderJsonBytes) + "; refusing allocation");
  }
  if (total - offset < header_len) {
    ThrowTooShort("truncated header JSON");
  }
  out.header_json = AsText(bytes.subspan(offset, header_len));
  if (!IsValidUtf8(out.header_json)) {
    throw ArtifactError("header JSON is not valid UTF-8: " + DescribeInvalidUtf8(out.header_json));
  }
  offset += header_len;

  uint64_t payload_size = total - offset;
  if (payload_size > payload_cap) {
    throw ArtifactError("payload size " + std::to_string(payload_size) + " exceeds cap " +
                        std::to_string(payload_cap) + "; refusing to load");
  }
  out.payload = bytes.subspan(offset);
  return out;
}

std::vector<uint8_t> BuildContainer(const SigningKey& key, std::string_view header_json,
                                    std::span<const uint8_t> payload) {
  const std::string& kid = key.kid;
  if (kid.empty() || kid.size() > kMaxKidBytes) {
    throw ArtifactError("kid_len " + std::to_string(kid.size()) + " out of range [1, " +
                        std::to_string(kMaxKidBytes) + "]");
  }
  // Refuse to write what every reader would refuse to read.
  if (!IsValidUtf8(kid)) {
    throw ArtifactError("kid is not valid UTF-8: " + DescribeInvalidUtf8(kid));
  }
  if (header_json.size() > kMaxHeaderJsonBytes) {
    throw ArtifactError("header_json length " + std::to_string(header_json.size()) +
                        " exceeds maximum " + std::to_string(kMaxHeaderJsonBytes));
  }
  if (!IsValidUtf8(header_json)) {
    throw ArtifactError("header JSON is not valid UTF-8: " + DescribeInvalidUtf8(header_json));
  }
  Sha256Digest digest = HmacSha256(key.key, {AsBytes(kid), AsBytes(header_json), payload});

  std::vector<uint8_t> out;
  out.reserve(kKidOffset + kid.size() + kHmacBytes + kHeaderLenBytes + header_json.size() +
              payload.size());
  out.insert(out.end(), kArtifactMagic.begin(), kArtifactMagic.end());
  AppendLe16(out, kArtifactFormatVersion);
  AppendLe16(out, 0);
  out.push_back(static_cast<uint8_t>(kid.size()));
  out.insert(out.end(), kid.begin(), kid.end());
  out.insert(out.end(), digest.begin(), digest.end());
  AppendLe32(out, static_cast<uint32_t>(header_json.size()));
  out.insert(out.end(), header_json.begin(), header_json.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

void VerifyContainer(const ParsedContainer& container, const KeyRing& ring) {
  const SigningKey* key = ring.Find(container.kid);
  if (key == nullptr) {
    Logger().Warning(events::kArtifactKidUnknown, {{"kid", log::SanitizeKid(container.kid)}});
    throw ArtifactError("artifact signed with unknown kid " + QuotedKid(container.kid) +
                        "; check RECOTEM_SIGNING_KEYS configuration");
  }
  Sha256Digest expected = HmacSha256(
      key->key, {AsBytes(container.kid), AsBytes(container.header_json), container.payload});
  if (!ConstantTimeEqual(expected, container.hmac)) {
    Logger().Warning(events::kArtifactHmacMismatch, {{"kid", log::SanitizeKid(container.kid)}});
    throw ArtifactError("HMAC verification failed for kid " + QuotedKid(container.kid) +
                        "; artifact may have been tampered with");
  }
}

std::string ExtractKidForLog(std::span<const uint8_t> bytes) {
  if (bytes.size() < kKidOffset) {
    return kUnknownKid;
  }
  size_t kid_len = bytes[kKidLenOffset];
  if (kid_len < 1 || kid_len > kMaxKidBytes || bytes.size() - kKidOffset < kid_len) {
    return kUnknownKid;
  }
  std::string_view kid = AsText(bytes.subspan(kKidOffset, kid_len));
  if (!IsValidUtf8(kid)) {
    return kUnknownKid;
  }
  return log::SanitizeKid(kid);
}

}  // namespace recotem
