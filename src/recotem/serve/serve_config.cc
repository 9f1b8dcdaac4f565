#include "recotem/serve/serve_config.h"

#include <algorithm>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/strings.h"

namespace recotem::serve {
namespace {

constexpr env::ClampedInt kDrainSecondsVar{"RECOTEM_DRAIN_SECONDS", kDefaultDrainSeconds,
                                           kMinDrainSeconds, kMaxDrainSeconds};
// Default 0 = "auto": unset, empty or unparseable all mean auto; an explicit
// 0 is clamped to 1 with a warning.
constexpr env::ClampedInt kStartupParallelismVar{"RECOTEM_STARTUP_PARALLELISM", 0,
                                                 kMinStartupParallelism, kMaxStartupParallelism};

int ParsePort(const std::string& raw) {
  std::optional<int64_t> port = ParseLooseInt(raw);
  if (!port || *port < kMinPort || *port > kMaxPort) {
    throw ConfigError("RECOTEM_PORT must be an integer between 1 and 65535, got '" + raw + "'");
  }
  return static_cast<int>(*port);
}

double ParseWatchInterval(const std::string& raw) {
  std::optional<double> seconds = ParseDouble(raw);
  if (!seconds) {
    throw ConfigError("RECOTEM_WATCH_INTERVAL must be a number of seconds, got '" + raw + "'");
  }
  // Clamped silently (serving.md §13.2).
  return std::clamp(*seconds, kMinWatchIntervalSeconds, kMaxWatchIntervalSeconds);
}

}  // namespace

ServeConfig ServeConfig::FromEnvironment() {
  ServeConfig config;
  config.env_raw = env::GetOr("RECOTEM_ENV");
  if (auto host = env::Get("RECOTEM_HOST"); host && !Trim(*host).empty()) {
    config.host = std::string(Trim(*host));
  }
  if (auto port = env::Get("RECOTEM_PORT"); port && !Trim(*port).empty()) {
    config.port = ParsePort(*port);
  }
  if (auto interval = env::Get("RECOTEM_WATCH_INTERVAL"); interval && !Trim(*interval).empty()) {
    config.watch_interval_seconds = ParseWatchInterval(*interval);
  }
  config.api_keys = ApiKeyRing::FromEnvironment();
  config.allowed_hosts = SplitCsvList(env::GetOr("RECOTEM_ALLOWED_HOSTS"));
  if (config.allowed_hosts.empty()) {
    config.allowed_hosts = SplitCsvList(kDefaultAllowedHosts);
  }
  config.allowed_origins = SplitCsvList(env::GetOr("RECOTEM_ALLOWED_ORIGINS"));
  config.drain_seconds = env::ReadClampedInt(kDrainSecondsVar);
  for (const std::string& field : SplitCsvList(env::GetOr("RECOTEM_METADATA_FIELD_DENY"))) {
    config.metadata_field_deny.push_back(ToLower(field));
  }
  config.metrics_enabled = env::Truthy("RECOTEM_METRICS_ENABLED");
  if (int64_t workers = env::ReadClampedInt(kStartupParallelismVar); workers > 0) {
    config.startup_parallelism = workers;
  }
  config.caps = ArtifactCaps::FromEnvironment();
  std::string raw_format = env::GetOr("RECOTEM_LOG_FORMAT");
  std::optional<log::Format> format = log::ParseFormat(raw_format);
  if (!format) {
    throw ConfigError("RECOTEM_LOG_FORMAT must be one of auto, json, console; got '" + raw_format +
                      "'");
  }
  config.log_format = *format;
  return config;
}

int64_t ServeConfig::StartupWorkers(size_t n_recipes) const {
  if (startup_parallelism) {
    return *startup_parallelism;
  }
  if (n_recipes == 0) {
    return 1;
  }
  return std::min<int64_t>(static_cast<int64_t>(n_recipes), kAutoStartupParallelismCap);
}

}  // namespace recotem::serve
