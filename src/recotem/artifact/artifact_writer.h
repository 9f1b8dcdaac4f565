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

#include "recotem/core/env.h"

namespace recotem {

enum class Versioning { kAppendSha, kAlwaysOverwrite };

struct WrittenArtifact {
  std::string artifact_path;                // the versioned file for append_sha
  std::optional<std::string> pointer_path;  // append_sha only
  std::string sha256_hex;                   // over the artifact bytes
};

// `check_containment` (may be empty) is called with each destination just
// before its rename; it throws to abort the write (RECOTEM_ARTIFACT_ROOT).
// I/O failures throw std::system_error. With append_sha, a versioned file
// name outside the pointer grammar (e.g. one containing a space) throws
// ArtifactError before anything is written, since no reader could follow the
// pointer. Does not log: the caller, which knows the kid, logs
// artifact_written (artifact.md §5.7).
WrittenArtifact WriteArtifactFile(
    const std::filesystem::path& output_path, Versioning versioning,
    std::span<const uint8_t> artifact_bytes,
    const std::function<void(const std::filesystem::path&)>& check_containment = {});

// The variable that confines train's writes (artifact.md §5.6).
using env::kArtifactRootEnv;

// The write-time containment re-check of artifact.md §5.6: resolves the
// parent of `dest` (following symlinks) and then `dest` itself, and throws
// ArtifactError with the spec's message when the parent is missing or cannot
// be resolved, or either resolves outside `root`. Catches a symlink swapped
// in after the recipe was loaded.
void CheckWriteContainment(const std::filesystem::path& dest, const std::filesystem::path& root);

// The `check_containment` for WriteArtifactFile: CheckWriteContainment
// against RECOTEM_ARTIFACT_ROOT when it is set and non-blank, else an empty
// function (no check runs).
std::function<void(const std::filesystem::path&)> ContainmentCheckFromEnvironment();

// The pointer target named by `bytes` (artifact.md §6.1), or nullopt when
// `bytes` is not a pointer file (> 512 bytes, non-ASCII, or not matching
// ^[A-Za-z0-9_.-]+\.recotem\s*$).
std::optional<std::string> ParsePointer(std::span<const uint8_t> bytes);

}  // namespace recotem
