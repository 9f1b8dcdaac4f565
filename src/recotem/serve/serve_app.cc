#include "recotem/serve/serve_app.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/log.h"
#include "recotem/serve/http_server.h"
#include "recotem/serve/startup_loader.h"
#include "recotem/serve/trusted_hosts.h"
#include "recotem/serve/unsafe_mode_banner.h"

namespace recotem::serve {
namespace {

constexpr const char* kSigningKeysMissingMessage =
    "RECOTEM_SIGNING_KEYS is not set. A signing key is required to verify artifacts. Use "
    "'recotem keygen --type signing' to generate one, or set "
    "RECOTEM_SIGNING_KEYS=<kid>:<hex64>.";
constexpr const char* kLoopbackReason = "no_api_keys_and_no_insecure_flag";
constexpr const char* kLoopbackHint =
    "set RECOTEM_API_KEYS to serve on a non-loopback address (or pass --insecure-no-auth with "
    "RECOTEM_ENV=development|dev|test)";
constexpr const char* kInsecureNoAuthMessage =
    "API-key authentication is DISABLED (--insecure-no-auth): every request is accepted.";
constexpr const char* kDevAllowUnsignedMessage =
    "Artifact HMAC verification is DISABLED (--dev-allow-unsigned): unsigned artifacts are "
    "loaded.";
constexpr const char* kCodeBindFailed = "bind_failed";
// Watcher join timeout = clamp(RECOTEM_DRAIN_SECONDS, 1, 5) (serving.md §11).
constexpr int64_t kMinWatcherJoinSeconds = 1;
constexpr int64_t kMaxWatcherJoinSeconds = 5;

// Signing-key status values of the security.posture line.
constexpr const char* kKeyStatusConfigured = "configured";
constexpr const char* kKeyStatusDevAllowUnsigned = "dev_allow_unsigned";
constexpr const char* kKeyStatusMissing = "missing";
constexpr const char* kKeyStatusConstructionFailed = "construction_failed";

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

log::Fields JsonList(const std::vector<std::string>& items) {
  log::Fields list = log::Fields::array();
  for (const auto& item : items) {
    list.push_back(item);
  }
  return list;
}

}  // namespace

void RequireDevAllowUnsignedCompanion(const ServeFlags& flags) {
  if (flags.dev_allow_unsigned && !flags.i_understand_arbitrary_code) {
    throw ConfigError(std::string(kDevAllowUnsignedFlag) + " requires " +
                      kUnderstandArbitraryCodeFlag + " to also be passed.");
  }
}

void ValidateUnsafeFlags(const ServeFlags& flags) {
  std::string raw_env = env::GetOr("RECOTEM_ENV");
  if (flags.insecure_no_auth && !env::IsDevOrTestEnv()) {
    throw ConfigError(std::string(kInsecureNoAuthFlag) +
                      " is only permitted when RECOTEM_ENV is one of ['dev', 'development', "
                      "'test']. Current RECOTEM_ENV='" +
                      raw_env + "'.");
  }
  if (flags.dev_allow_unsigned && !env::IsDevelopmentEnv()) {
    throw ConfigError(std::string(kDevAllowUnsignedFlag) +
                      " requires RECOTEM_ENV=development. Current RECOTEM_ENV='" + raw_env + "'.");
  }
}

ServeApp::ServeApp(ServeConfig config, const ServeFlags& flags)
    : config_(std::move(config)), flags_(flags) {}

std::unique_ptr<ServeApp> ServeApp::Build(ServeConfig config, const ServeFlags& flags) {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  const log::Logger logger("recotem.serving.app");
  std::unique_ptr<ServeApp> app(new ServeApp(std::move(config), flags));
  const ServeConfig& cfg = app->config_;

  ValidateUnsafeFlags(flags);

  app->bind_host_ = cfg.host;
  if (cfg.api_keys.empty() && !flags.insecure_no_auth) {
    if (cfg.host != kLoopbackHost) {
      logger.Warning(
          events::kHostForcedToLoopback,
          {{"requested_host", cfg.host}, {"reason", kLoopbackReason}, {"hint", kLoopbackHint}});
    }
    app->bind_host_ = kLoopbackHost;
  }

  std::exception_ptr ring_error;
  std::string key_status;
  if (flags.dev_allow_unsigned) {
    key_status = kKeyStatusDevAllowUnsigned;
    logger.Warning(events::kSigningKeyVerificationDisabled, {{"reason", "dev_allow_unsigned"}});
  } else {
    try {
      app->ring_ = KeyRing::FromEnvironment();
      key_status = app->ring_ ? kKeyStatusConfigured : kKeyStatusMissing;
      if (!app->ring_) {
        ring_error = std::make_exception_ptr(
            ConfigError(kSigningKeysMissingMessage, kCodeSigningKeyMissing));
      }
    } catch (const ArtifactError&) {
      key_status = kKeyStatusConstructionFailed;
      ring_error = std::current_exception();
    }
  }

  log::Fields signing_keys = log::Fields::array();
  std::vector<std::string> kids;
  if (app->ring_) {
    for (const SigningKey& key : app->ring_->keys()) {
      signing_keys.push_back(
          log::Fields{{"kid", key.kid}, {"fingerprint", KeyRing::Fingerprint(key.key)}});
      kids.push_back(key.kid);
    }
  }
  logger.Info(events::kSecurityPosture,
              {{"auth_enabled", !cfg.api_keys.empty() && !flags.insecure_no_auth},
               {"bind_host", app->bind_host_},
               {"signing_keys", std::move(signing_keys)},
               {"signing_kids", JsonList(kids)},
               {"signing_key_status", key_status},
               {"env", cfg.env_raw},
               {"allowed_hosts", JsonList(cfg.allowed_hosts)},
               {"allowed_origins", JsonList(cfg.allowed_origins)},
               {"unsafe_mode", flags.insecure_no_auth || flags.dev_allow_unsigned}});
  if (ring_error) {
    std::rethrow_exception(ring_error);
  }

  const KeyRing* ring = app->ring_ ? &*app->ring_ : nullptr;
  StartupLoadResult startup =
      LoadRecipesAtStartup(flags.recipes_dir, cfg, ring, app->registry_, &app->metrics_);
  WatcherOptions watcher_options;
  watcher_options.interval_seconds = cfg.watch_interval_seconds;
  app->watcher_ = std::make_unique<ArtifactWatcher>(flags.recipes_dir, cfg, ring, app->registry_,
                                                    app->metrics_, startup, watcher_options);

  app->authenticator_ = std::make_unique<Authenticator>(cfg.api_keys, flags.insecure_no_auth);
  app->router_ = std::make_unique<Router>(*app->authenticator_, TrustedHosts(cfg.allowed_hosts),
                                          CorsPolicy(cfg.allowed_origins));
  app->seed_api_ = std::make_unique<SeedApi>(app->registry_, &app->metrics_);
  app->seed_api_->AddRoutes(*app->router_);
  app->v1_api_ = std::make_unique<V1Api>(app->registry_, app->metrics_, cfg.metrics_enabled);
  app->v1_api_->AddRoutes(*app->router_);
  if (cfg.metrics_enabled) {
    ServeMetrics* metrics = &app->metrics_;
    app->router_->Add({"GET", "/metrics", false, ErrorStyle::kSeed,
                       [metrics](const RouteContext&) { return MetricsResponse(*metrics); }});
  }
  return app;
}

void ServeApp::Run() {
  const log::Logger logger("recotem.serving.app");
  int threads = flags_.threads > 0
                    ? flags_.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  HttpServerOptions options;
  options.host = bind_host_;
  options.port = config_.port;
  options.threads = threads;
  HttpServer server(options, HttpBatchHandler([this](std::span<HttpRequest> requests) {
                      return router_->HandleBatch(requests);
                    }));
  try {
    server.Listen();
  } catch (const BindError& e) {
    logger.Error(events::kServeBindFailed, {{"error", e.code().message()},
                                            {"host", bind_host_},
                                            {"port", config_.port},
                                            {"errno", e.code().value()}});
    throw ConfigError("cannot bind " + bind_host_ + ":" + std::to_string(config_.port) + ": " +
                          e.code().message(),
                      kCodeBindFailed);
  }
  server.Start();
  logger.Info(events::kServeListening,
              {{"host", bind_host_}, {"port", server.port()}, {"threads", threads}});

  std::vector<UnsafeModeBanner::Warning> warnings;
  if (flags_.insecure_no_auth) {
    warnings.push_back({events::kInsecureNoAuthActive, kInsecureNoAuthMessage});
  }
  if (flags_.dev_allow_unsigned) {
    warnings.push_back({events::kDevAllowUnsignedActive, kDevAllowUnsignedMessage});
  }
  UnsafeModeBanner banner(std::move(warnings), config_.env_raw, bind_host_);
  watcher_->Start();

  sigset_t signals = ShutdownSignals();
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) != 0) {
  }
  banner.Stop();
  watcher_->Stop();
  int64_t join_seconds =
      std::clamp<int64_t>(config_.drain_seconds, kMinWatcherJoinSeconds, kMaxWatcherJoinSeconds);
  watcher_->Join(std::chrono::seconds(join_seconds));
  size_t forced = server.Shutdown(std::chrono::seconds(config_.drain_seconds));
  logger.Info(events::kServeShutdown, {{"drain_seconds", config_.drain_seconds},
                                       {"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"},
                                       {"connections_force_closed", forced}});
}

}  // namespace recotem::serve
