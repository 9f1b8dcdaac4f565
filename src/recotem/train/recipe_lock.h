// The per-recipe training lock (training.md §4): an exclusive flock on
// `<output.path>.lock` for local outputs, or on
// `<RECOTEM_LOCK_DIR|$TMPDIR/recotem-locks>/<sha256(output.path)>.lock` for
// remote ones (host-local only: logs recipe_lock_local_only). The lock file
// is never deleted.
#pragma once

#include <filesystem>
#include <string>

#include "recotem/core/files.h"

namespace recotem {

struct LockOptions {
  bool fail_on_busy = false;
  // 0 = one non-blocking attempt; -1 = wait forever; > 0 = poll every 50 ms
  // for that many seconds.
  double timeout_seconds = 0.0;
};

// The lock file path for a recipe output path.
std::filesystem::path RecipeLockPath(const std::string& output_path);

class RecipeLock {
 public:
  enum class Outcome { kAcquired, kSkipped };

  // Acquires the lock for `output_path`. Returns kSkipped (after logging
  // recipe_lock_contended_skipping) when it is held and !fail_on_busy.
  // Throws LockContestedError (`lock_contested`, or `lock_timeout` after a
  // timeout, even without fail_on_busy). A symlink at the lock path logs
  // recipe_lock_unsafe_symlink and throws std::system_error (exit 1).
  Outcome Acquire(const std::string& output_path, const std::string& recipe,
                  const std::string& run_id, const LockOptions& options);

 private:
  FileLock lock_;
};

}  // namespace recotem
