#include "recotem/artifact/artifact_writer.h"

#include <algorithm>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/files.h"
#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

constexpr std::string_view kArtifactSuffix = ".recotem";
// sha8: the first 8 hex characters of the artifact's SHA-256 (§5.3).
constexpr size_t kShaPrefixChars = 8;
// A file longer than this is never a pointer (§6.1).
constexpr size_t kMaxPointerBytes = 512;
// Symlinks followed before a destination counts as a loop (Linux MAXSYMLINKS).
constexpr int kMaxSymlinkHops = 40;

bool IsPointerNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Python's `\s` on ASCII text.
bool IsRegexSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// True when `name` matches ^[A-Za-z0-9_.-]+\.recotem$.
bool IsPointerTargetName(std::string_view name) {
  return name.size() > kArtifactSuffix.size() && name.ends_with(kArtifactSuffix) &&
         std::all_of(name.begin(), name.end(), IsPointerNameChar);
}

void AtomicWrite(const std::filesystem::path& dest, std::span<const uint8_t> bytes,
                 const std::function<void(const std::filesystem::path&)>& check_containment) {
  std::function<void()> before_rename;
  if (check_containment) {
    before_rename = [&] { check_containment(dest); };
  }
  AtomicWriteFile(dest, bytes, before_rename);
}

// True when `path` is `root` or lies below it (both already resolved).
bool IsWithin(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == root.end()) {
      break;  // a trailing slash
    }
    if (p == path.end() || *p != *r) {
      return false;
    }
  }
  return true;
}

// `path` with every symlink resolved, including a dangling one at the end
// (weakly_canonical stops at the first missing component and would not
// follow it); nullopt for a loop or an unreadable link.
std::optional<std::filesystem::path> ResolveFollowingSymlinks(std::filesystem::path path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (int hop = 0; hop < kMaxSymlinkHops; ++hop) {
    if (!fs::is_symlink(path, ec)) {
      fs::path resolved = fs::weakly_canonical(path, ec);
      if (ec) {
        return std::nullopt;
      }
      return resolved;
    }
    fs::path target = fs::read_symlink(path, ec);
    if (ec) {
      return std::nullopt;
    }
    path = fs::weakly_canonical(target.is_absolute() ? target : path.parent_path() / target, ec);
    if (ec) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

void CheckWriteContainment(const std::filesystem::path& dest, const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  fs::path parent = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    throw ArtifactError("artifact write target parent '" + parent.string() +
                        "' does not exist or is not a directory at write time.");
  }
  fs::path resolved_parent = fs::canonical(parent, ec);
  if (ec) {
    throw ArtifactError("artifact write target parent '" + parent.string() +
                        "' could not be resolved: " + ec.message());
  }
  fs::path resolved_root = fs::weakly_canonical(root, ec);
  if (ec) {
    resolved_root = fs::absolute(root).lexically_normal();
  }
  if (!IsWithin(resolved_parent, resolved_root)) {
    throw ArtifactError("artifact write target '" + dest.string() + "' resolved parent '" +
                        resolved_parent.string() + "' is outside " + kArtifactRootEnv + "='" +
                        root.string() + "'. Symlink-escape attempt rejected at write time.");
  }
  std::optional<fs::path> resolved_dest =
      ResolveFollowingSymlinks(resolved_parent / dest.filename());
  if (!resolved_dest || !IsWithin(*resolved_dest, resolved_root)) {
    throw ArtifactError("artifact write target '" + dest.string() + "' resolves to '" +
                        resolved_dest.value_or(dest).string() + "' which is outside " +
                        kArtifactRootEnv + "='" + root.string() +
                        "'. Path-traversal attempt rejected at write time.");
  }
}

std::function<void(const std::filesystem::path&)> ContainmentCheckFromEnvironment() {
  std::string root = env::GetOr(kArtifactRootEnv);
  if (Trim(root).empty()) {
    return {};
  }
  return [root](const std::filesystem::path& dest) { CheckWriteContainment(dest, root); };
}

WrittenArtifact WriteArtifactFile(
    const std::filesystem::path& output_path, Versioning versioning,
    std::span<const uint8_t> artifact_bytes,
    const std::function<void(const std::filesystem::path&)>& check_containment) {
  WrittenArtifact written;
  written.sha256_hex = Sha256Hex(artifact_bytes);
  if (versioning == Versioning::kAlwaysOverwrite) {
    AtomicWrite(output_path, artifact_bytes, check_containment);
    written.artifact_path = output_path.string();
    return written;
  }

  std::string stem = output_path.string();
  if (stem.ends_with(kArtifactSuffix)) {
    stem.resize(stem.size() - kArtifactSuffix.size());
  }
  std::filesystem::path versioned =
      stem + "." + written.sha256_hex.substr(0, kShaPrefixChars) + std::string(kArtifactSuffix);
  std::string target_name = versioned.filename().string();
  // A pointer to a name outside the pointer grammar would be read back as a
  // (broken) artifact: refuse before writing anything.
  if (!IsPointerTargetName(target_name)) {
    throw ArtifactError("artifact file name '" + target_name +
                        "' cannot be referenced by a pointer file: with append_sha versioning "
                        "the output file name may only contain A-Z a-z 0-9 _ . -");
  }
  AtomicWrite(versioned, artifact_bytes, check_containment);
  std::string pointer = target_name + "\n";
  AtomicWrite(output_path, AsBytes(pointer), check_containment);
  written.artifact_path = versioned.string();
  written.pointer_path = output_path.string();
  return written;
}

std::optional<std::string> ParsePointer(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxPointerBytes) {
    return std::nullopt;
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (std::any_of(text.begin(), text.end(), [](char c) { return (c & 0x80) != 0; })) {
    return std::nullopt;
  }
  while (!text.empty() && IsRegexSpace(text.back())) {
    text.remove_suffix(1);
  }
  if (!IsPointerTargetName(text)) {
    return std::nullopt;
  }
  return std::string(text);
}

}  // namespace recotem
