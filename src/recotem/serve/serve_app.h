// ServeApp: `recotem serve` from a parsed configuration to a drained exit
// (serving.md §8.2–8.3, §11). The CLI (cli/serve_command.cc) reads the
// configuration, applies flag overrides and maps errors to exit codes; this
// class does the rest:
//
// Build(): unsafe-flag gates → loopback forcing → signing key ring →
//   security.posture (always, even when the ring failed) → re-raise a ring
//   error → start-up loading into the registry → watcher (not yet started)
//   → router with the seed and /v1 APIs (and /metrics when enabled).
// Run(): bind (failure: serve_bind_failed, ConfigError) → serve on N I/O
//   threads → start the watcher → wait for SIGINT/SIGTERM → stop the
//   watcher (joined for clamp(drain, 1, 5) s) → stop accepting, drain
//   in-flight requests for up to RECOTEM_DRAIN_SECONDS → serve_shutdown.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "recotem/artifact/key_ring.h"
#include "recotem/serve/artifact_watcher.h"
#include "recotem/serve/authenticator.h"
#include "recotem/serve/model_registry.h"
#include "recotem/serve/router.h"
#include "recotem/serve/seed_api.h"
#include "recotem/serve/serve_config.h"
#include "recotem/serve/serve_metrics.h"
#include "recotem/serve/v1_api.h"

namespace recotem::serve {

inline constexpr const char* kInsecureNoAuthFlag = "--insecure-no-auth";
inline constexpr const char* kDevAllowUnsignedFlag = "--dev-allow-unsigned";
inline constexpr const char* kUnderstandArbitraryCodeFlag =
    "--i-understand-this-loads-arbitrary-code";

struct ServeFlags {
  std::filesystem::path recipes_dir;  // absolute
  int threads = 0;                    // I/O threads; 0 = hardware cores
  bool insecure_no_auth = false;
  bool dev_allow_unsigned = false;
  bool i_understand_arbitrary_code = false;
};

// §8.1 step 2: --dev-allow-unsigned needs its companion flag. Throws ConfigError.
void RequireDevAllowUnsignedCompanion(const ServeFlags& flags);
// §8.2 step 5: --insecure-no-auth needs RECOTEM_ENV ∈ {development, dev,
// test}; --dev-allow-unsigned needs RECOTEM_ENV = development. Throws ConfigError.
void ValidateUnsafeFlags(const ServeFlags& flags);

class ServeApp {
 public:
  // Blocks SIGINT/SIGTERM in the calling thread (threads started later
  // inherit the mask; Run() waits for them). Throws ConfigError (gates,
  // missing signing keys), ArtifactError (malformed signing keys) or
  // RecipeError (unlistable recipes directory).
  static std::unique_ptr<ServeApp> Build(ServeConfig config, const ServeFlags& flags);

  // Serves until SIGINT or SIGTERM, then drains and returns. Throws
  // ConfigError (code "bind_failed") when the address cannot be bound.
  void Run();

  const ModelRegistry& registry() const { return registry_; }
  ServeMetrics& metrics() { return metrics_; }
  const std::string& bind_host() const { return bind_host_; }

 private:
  ServeApp(ServeConfig config, const ServeFlags& flags);

  ServeConfig config_;
  ServeFlags flags_;
  std::string bind_host_;
  std::optional<KeyRing> ring_;  // nullopt only with --dev-allow-unsigned
  ModelRegistry registry_;
  ServeMetrics metrics_;
  std::unique_ptr<ArtifactWatcher> watcher_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<SeedApi> seed_api_;
  std::unique_ptr<V1Api> v1_api_;
};

}  // namespace recotem::serve
