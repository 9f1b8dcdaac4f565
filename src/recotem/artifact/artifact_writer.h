// Writing a signed artifact to a local output path (artifact.md §5):
// `append_sha` writes <stem>.<sha8>.recotem then an atomic pointer file at
// the output path; `always_overwrite` atomically replaces the output path.
// Temp file in the same directory, fsync, rename, mode 0600. A failed write
// leaves every existing file untouched.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace recotem {

enum class Versioning { kAppendSha, kAlwaysOverwrite };

struct WrittenArtifact {
  std::string artifact_path;                // the versioned file for append_sha
  std::optional<std::string> pointer_path;  // append_sha only
  std::string sha256_hex;                   // over the artifact bytes
};

// `check_containment` (may be empty) is called with each destination just
// before its rename; it throws to abort the write (RECOTEM_ARTIFACT_ROOT).
// I/O failures throw std::system_error.
WrittenArtifact WriteArtifactFile(
    const std::filesystem::path& output_path, Versioning versioning,
    std::span<const uint8_t> artifact_bytes,
    const std::function<void(const std::filesystem::path&)>& check_containment = {});

// The pointer target named by `bytes` (artifact.md §6.1), or nullopt when
// `bytes` is not a pointer file (> 512 bytes, non-ASCII, or not matching
// ^[A-Za-z0-9_.-]+\.recotem\s*$).
std::optional<std::string> ParsePointer(std::span<const uint8_t> bytes);

}  // namespace recotem
