#include "recotem/train/recipe_lock.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

constexpr auto kLockPollInterval = std::chrono::milliseconds(50);

const log::Logger& Logger() {
  static const log::Logger logger("recotem.training.lock");
  return logger;
}

std::string SchemeOf(const std::string& path) {
  size_t sep = path.find("://");
  return sep == std::string::npos ? "" : ToLower(path.substr(0, sep));
}

bool IsRemote(const std::string& path) {
  std::string scheme = SchemeOf(path);
  return !scheme.empty() && scheme != "file";
}

}  // namespace

std::filesystem::path RecipeLockPath(const std::string& output_path) {
  if (IsRemote(output_path)) {
    std::string dir(Trim(env::GetOr("RECOTEM_LOCK_DIR")));
    if (dir.empty()) {
      std::string tmp = env::GetOr("TMPDIR");
      dir = (tmp.empty() ? std::string("/tmp") : tmp) + "/recotem-locks";
    }
    return std::filesystem::path(dir) / (Sha256Hex(std::string_view(output_path)) + ".lock");
  }
  std::string local = output_path;
  if (local.rfind("file://", 0) == 0) {
    std::string rest = local.substr(7);
    local = rest.substr(std::min(rest.find('/'), rest.size()));
  }
  return std::filesystem::path(local + ".lock");
}

RecipeLock::Outcome RecipeLock::Acquire(const std::string& output_path, const std::string& recipe,
                                        const std::string& run_id, const LockOptions& options) {
  std::filesystem::path lock_path = RecipeLockPath(output_path);
  if (IsRemote(output_path)) {
    static std::mutex mu;
    static std::set<std::string> warned;
    std::lock_guard<std::mutex> guard(mu);
    log::Fields fields = {{"scheme", SchemeOf(output_path)},
                          {"output_path", output_path},
                          {"lock_path", lock_path.string()},
                          {"advice",
                           "the lock is host-local; use scheduler-level concurrency controls for "
                           "cross-host single-writer semantics"}};
    if (warned.insert(lock_path.string()).second) {
      Logger().Warning(events::kRecipeLockLocalOnly, fields);
    } else {
      Logger().Debug(events::kRecipeLockLocalOnly, fields);
    }
  }
  auto contended = [&]() -> Outcome {
    if (options.fail_on_busy) {
      throw LockContestedError(
          "recipe lock " + lock_path.string() + " is held by another process (--fail-on-busy)",
          "lock_contested");
    }
    Logger().Info(events::kRecipeLockContendedSkipping, {{"recipe", recipe}, {"run_id", run_id}});
    return Outcome::kSkipped;
  };
  auto attempt = [&](bool blocking) {
    try {
      return lock_.Acquire(lock_path, blocking);
    } catch (const std::system_error& e) {
      if (e.code().value() == ELOOP) {
        Logger().Warning(events::kRecipeLockUnsafeSymlink,
                         {{"lock_path", lock_path.string()},
                          {"advice", "remove the symlink; lock files must be regular files"}});
      }
      throw;
    }
  };
  if (options.timeout_seconds < 0) {
    return attempt(true) == FileLock::Outcome::kAcquired ? Outcome::kAcquired : contended();
  }
  auto start = std::chrono::steady_clock::now();
  while (true) {
    if (attempt(false) == FileLock::Outcome::kAcquired) return Outcome::kAcquired;
    if (options.timeout_seconds == 0) return contended();
    double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited >= options.timeout_seconds) {
      Logger().Warning(events::kRecipeLockTimeout,
                       {{"lock_path", lock_path.string()},
                        {"waited_seconds", std::round(waited * 1000.0) / 1000.0},
                        {"timeout", options.timeout_seconds}});
      throw LockContestedError("timed out after " + std::to_string(options.timeout_seconds) +
                                   " s waiting for recipe lock " + lock_path.string(),
                               "lock_timeout");
    }
    std::this_thread::sleep_for(kLockPollInterval);
  }
}

}  // namespace recotem
