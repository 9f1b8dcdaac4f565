// Reading an artifact from a local path through the verification order of
// artifact.md §6.2: capped read → pointer resolution → SHA-256 → structural
// parse → HMAC → header JSON. The payload is returned undecoded (serve
// decodes it with DecodePayload; inspect never does).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/artifact/key_ring.h"
#include "recotem/core/errors.h"

namespace recotem {

// RECOTEM_MAX_ARTIFACT_BYTES / RECOTEM_MAX_PAYLOAD_BYTES (artifact.md §8).
struct ArtifactCaps {
  static constexpr uint64_t kDefaultArtifactBytes = 2147483648ULL;
  static constexpr uint64_t kDefaultPayloadBytes = 536870912ULL;
  static constexpr uint64_t kMinBytes = 1048576ULL;
  static constexpr uint64_t kMaxBytes = 17179869184ULL;

  uint64_t artifact_bytes = kDefaultArtifactBytes;
  uint64_t payload_bytes = kDefaultPayloadBytes;

  // Reads both variables (unparseable → default + warning, out of range →
  // clamped + warning). Throws ConfigError when payload cap > artifact cap.
  static ArtifactCaps FromEnvironment();
};

// Where a load failed, for the serve-side prefixes and event names
// (artifact.md §7.4) and the metrics `reason` label (§7.5).
enum class ArtifactLoadStage { kRead, kParse, kHmac, kHeaderJson, kDeserialize };

// An ArtifactError that also says at which stage it happened and which kid
// the file carried (kUnknownKid when it could not be extracted).
class ArtifactLoadError : public ArtifactError {
 public:
  ArtifactLoadError(ArtifactLoadStage stage, std::string kid, std::string message)
      : ArtifactError(std::move(message)), stage_(stage), kid_(std::move(kid)) {}
  ArtifactLoadStage stage() const { return stage_; }
  const std::string& kid() const { return kid_; }

 private:
  ArtifactLoadStage stage_;
  std::string kid_;
};

// Which message family to use for read/cap failures (artifact.md §6.2 step 1).
enum class ReaderStyle { kServe, kInspect };

struct VerifiedArtifact {
  std::string path;  // the file actually parsed (pointer target if any)
  std::string kid;
  nlohmann::ordered_json header;  // a JSON object, keys in file order
  std::string sha256_hex;         // over the artifact bytes (v1 model_version)
  std::vector<uint8_t> bytes;     // the whole artifact file
  size_t payload_offset = 0;      // payload = bytes[payload_offset:]
};

// Reads and verifies `path`. `ring` == nullptr skips the HMAC check (serve
// --dev-allow-unsigned only). Throws ArtifactLoadError; its kid() is
// sanitised for logs, while VerifiedArtifact::kid is the decoded kid as
// written. Logs artifact_loaded {kid, path} on success.
VerifiedArtifact ReadVerifiedArtifact(const std::filesystem::path& path, const ArtifactCaps& caps,
                                      const KeyRing* ring, ReaderStyle style);

// The bytes to parse once a pointer has been followed.
struct ResolvedArtifact {
  std::filesystem::path path;  // the pointer's target, or the path that was read
  std::vector<uint8_t> bytes;
};

// Steps 1 (cap check) and 2 (pointer resolution, §6.1) of §6.2 for callers
// that did the first read themselves (inspect, which words its own read
// errors): `first_read` holds at most caps.artifact_bytes + 1 bytes of
// `path`. A pointer's target is read with the same cap; only one level of
// indirection is followed. Throws ArtifactLoadError (stage kRead).
ResolvedArtifact ResolveArtifactBytes(std::vector<uint8_t> first_read,
                                      const std::filesystem::path& path, const ArtifactCaps& caps,
                                      ReaderStyle style);

}  // namespace recotem
