#include "recotem/artifact/artifact_reader.h"

#include <cerrno>
#include <system_error>

#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/artifact_writer.h"
#include "recotem/artifact/container.h"
#include "recotem/core/env.h"
#include "recotem/core/events.h"
#include "recotem/core/files.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"

namespace recotem {
namespace {

constexpr const char* kMaxArtifactBytesEnv = "RECOTEM_MAX_ARTIFACT_BYTES";
constexpr const char* kMaxPayloadBytesEnv = "RECOTEM_MAX_PAYLOAD_BYTES";

const log::Logger& Logger() {
  static const log::Logger logger("recotem.artifact");
  return logger;
}

[[noreturn]] void FailRead(const std::string& message) {
  throw ArtifactLoadError(ArtifactLoadStage::kRead, kUnknownKid, message);
}

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::vector<uint8_t> ReadFirst(const std::filesystem::path& path, const ArtifactCaps& caps,
                               ReaderStyle style) {
  try {
    return ReadFileCapped(path, caps.artifact_bytes);
  } catch (const std::system_error& e) {
    if (style == ReaderStyle::kServe) {
      FailRead("cannot read artifact " + Quote(path) + ": " + e.code().message());
    }
    if (e.code().value() == ENOENT) {
      FailRead("artifact not found: " + path.string());
    }
    FailRead("failed to read artifact " + path.string() + ": " + e.code().message());
  }
}

}  // namespace

ArtifactCaps ArtifactCaps::FromEnvironment() {
  ArtifactCaps caps;
  caps.artifact_bytes = static_cast<uint64_t>(
      env::ReadClampedInt({kMaxArtifactBytesEnv, static_cast<int64_t>(kDefaultArtifactBytes),
                           static_cast<int64_t>(kMinBytes), static_cast<int64_t>(kMaxBytes)}));
  caps.payload_bytes = static_cast<uint64_t>(
      env::ReadClampedInt({kMaxPayloadBytesEnv, static_cast<int64_t>(kDefaultPayloadBytes),
                           static_cast<int64_t>(kMinBytes), static_cast<int64_t>(kMaxBytes)}));
  if (caps.payload_bytes > caps.artifact_bytes) {
    throw ConfigError(std::string(kMaxPayloadBytesEnv) + " (" + std::to_string(caps.payload_bytes) +
                      ") must be <= " + kMaxArtifactBytesEnv + " (" +
                      std::to_string(caps.artifact_bytes) + "); reduce " + kMaxPayloadBytesEnv +
                      " or increase " + kMaxArtifactBytesEnv);
  }
  return caps;
}

ResolvedArtifact ResolveArtifactBytes(std::vector<uint8_t> first_read,
                                      const std::filesystem::path& path, const ArtifactCaps& caps,
                                      ReaderStyle style) {
  const uint64_t cap = caps.artifact_bytes;
  if (first_read.size() > cap) {
    if (style == ReaderStyle::kServe) {
      FailRead("artifact at " + Quote(path) + " exceeds cap " + std::to_string(cap) +
               "; refusing load");
    }
    FailRead("artifact size " + std::to_string(first_read.size()) + " exceeds cap " +
             std::to_string(cap) + "; refusing to load");
  }
  std::optional<std::string> target_name = ParsePointer(first_read);
  if (!target_name) {
    return {path, std::move(first_read)};
  }

  std::filesystem::path target = path.parent_path() / *target_name;
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadFileCapped(target, cap);
  } catch (const std::system_error& e) {
    if (e.code().value() == ENOENT) {
      FailRead("pointer " + Quote(path) + " references missing artifact " + Quote(target));
    }
    FailRead("failed to read artifact via pointer " + Quote(path) + ": " + e.code().message());
  }
  if (bytes.size() > cap) {
    FailRead("artifact " + Quote(target) + " size " + std::to_string(bytes.size()) +
             " exceeds cap " + std::to_string(cap) + "; refusing to load");
  }
  return {target, std::move(bytes)};
}

VerifiedArtifact ReadVerifiedArtifact(const std::filesystem::path& path, const ArtifactCaps& caps,
                                      const KeyRing* ring, ReaderStyle style) {
  ResolvedArtifact resolved = ResolveArtifactBytes(ReadFirst(path, caps, style), path, caps, style);
  const std::vector<uint8_t>& bytes = resolved.bytes;

  VerifiedArtifact out;
  out.path = resolved.path.string();
  out.sha256_hex = Sha256Hex(bytes);
  ParsedContainer container;
  try {
    container = ParseContainer(bytes, caps.payload_bytes);
  } catch (const ArtifactError& e) {
    throw ArtifactLoadError(ArtifactLoadStage::kParse, ExtractKidForLog(bytes), e.what());
  }
  const std::string log_kid = ExtractKidForLog(bytes);
  if (ring != nullptr) {
    try {
      VerifyContainer(container, *ring);
    } catch (const ArtifactError& e) {
      throw ArtifactLoadError(ArtifactLoadStage::kHmac, log_kid, e.what());
    }
  }
  std::string detail;
  std::optional<nlohmann::ordered_json> header = DecodeHeaderJson(container.header_json, &detail);
  if (!header) {
    throw ArtifactLoadError(ArtifactLoadStage::kHeaderJson, log_kid,
                            "header JSON decode failed: " + detail);
  }
  out.kid = container.kid;
  out.header = std::move(*header);
  out.payload_offset = bytes.size() - container.payload.size();
  out.bytes = std::move(resolved.bytes);
  Logger().Info(events::kArtifactLoaded, {{"kid", log_kid}, {"path", out.path}});
  return out;
}

}  // namespace recotem
