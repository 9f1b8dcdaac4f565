// Local file primitives: capped reads, atomic replace (temp file in the same
// directory, fsync, rename, mode 0600) and advisory flock locks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace recotem {

// Reads at most `cap + 1` bytes of `path` in one pass, so a caller can tell
// "exactly cap" from "more than cap" without a stat/read race. Throws
// std::system_error (with the errno) when the file cannot be opened or read.
std::vector<uint8_t> ReadFileCapped(const std::filesystem::path& path, uint64_t cap);

// Writes `bytes` to `dest` atomically: parent directories are created, the
// bytes go to a uniquely named `tmpXXXXXXXX.tmp` (mode 0600) in the same
// directory, are fsynced (EINVAL/ENOTSUP ignored), `before_rename` runs (it
// may throw, e.g. a containment re-check), then rename(2) replaces `dest`. On
// any failure the temporary file is unlinked and the error re-thrown; `dest`
// is never left half-written. Throws std::system_error on I/O errors.
void AtomicWriteFile(const std::filesystem::path& dest, std::span<const uint8_t> bytes,
                     const std::function<void()>& before_rename = {});

// An exclusive flock(2) on a lock file that is opened with O_NOFOLLOW and
// mode 0600 and never deleted. Released when the object is destroyed.
class FileLock {
 public:
  enum class Outcome { kAcquired, kBusy };

  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Opens (creating) `path` and tries to lock it. `blocking` waits forever.
  // Returns kBusy when another holder has it (EWOULDBLOCK) or the file cannot
  // be opened for permission reasons (EACCES/EPERM). Throws std::system_error
  // for other errors; ELOOP (a symlink at `path`) is reported with that errno.
  Outcome Acquire(const std::filesystem::path& path, bool blocking);
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace recotem
