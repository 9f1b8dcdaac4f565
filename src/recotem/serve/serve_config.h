// ServeConfig: every RECOTEM_* setting `recotem serve` reads at start-up
// (serving.md §13.2–13.3), parsed once with the spec's rules. Errors that
// must stop the process (bad port, watch interval, log format, API keys, the
// cap invariant) are ConfigErrors; clamped integers warn and continue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recotem/artifact/artifact_reader.h"
#include "recotem/core/log.h"
#include "recotem/serve/api_key_ring.h"

namespace recotem::serve {

inline constexpr const char* kDefaultHost = "127.0.0.1";
inline constexpr const char* kLoopbackHost = "127.0.0.1";
inline constexpr int kDefaultPort = 8080;
inline constexpr int kMinPort = 1;
inline constexpr int kMaxPort = 65535;
inline constexpr double kDefaultWatchIntervalSeconds = 5.0;
inline constexpr double kMinWatchIntervalSeconds = 1.0;
inline constexpr double kMaxWatchIntervalSeconds = 30.0;
inline constexpr int64_t kDefaultDrainSeconds = 30;
inline constexpr int64_t kMinDrainSeconds = 1;
inline constexpr int64_t kMaxDrainSeconds = 300;
inline constexpr int64_t kMinStartupParallelism = 1;
inline constexpr int64_t kMaxStartupParallelism = 32;
inline constexpr int64_t kAutoStartupParallelismCap = 8;
inline constexpr const char* kDefaultAllowedHosts = "127.0.0.1,localhost";

struct ServeConfig {
  std::string host = kDefaultHost;  // RECOTEM_HOST, then --host
  int port = kDefaultPort;          // RECOTEM_PORT, then --port (unchecked)
  double watch_interval_seconds = kDefaultWatchIntervalSeconds;
  ArtifactCaps caps;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  int64_t drain_seconds = kDefaultDrainSeconds;
  std::vector<std::string> metadata_field_deny;  // lower-cased
  bool metrics_enabled = false;
  // RECOTEM_STARTUP_PARALLELISM; nullopt = auto (min(#recipes, 8), ≥ 1).
  std::optional<int64_t> startup_parallelism;
  log::Format log_format = log::Format::kAuto;
  ApiKeyRing api_keys;
  std::string env_raw;  // RECOTEM_ENV as set (for messages and the posture line)

  // Reads the environment. Throws ConfigError for an invalid RECOTEM_PORT,
  // RECOTEM_WATCH_INTERVAL, RECOTEM_LOG_FORMAT or RECOTEM_API_KEYS, and for a
  // payload cap above the artifact cap.
  static ServeConfig FromEnvironment();

  // The worker count for `n_recipes` start-up loads.
  int64_t StartupWorkers(size_t n_recipes) const;
};

}  // namespace recotem::serve
