// `recotem serve --recipes <dir>`: the prediction server. This file only
// parses flags, reads the configuration and maps failures to exit codes
// (serving.md §8.1, §14); serve/serve_app.h does the work.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/core/log.h"
#include "recotem/serve/serve_app.h"
#include "recotem/serve/serve_config.h"

namespace recotem::cli {
namespace {

struct ServeOptions {
  std::string recipes;
  std::string host;
  int port = 0;
  int threads = 0;
  bool insecure_no_auth = false;
  bool dev_allow_unsigned = false;
  bool i_understand = false;
  CLI::Option* host_option = nullptr;
  CLI::Option* port_option = nullptr;
};

int Fail(const char* prefix, const std::exception& error) {
  std::cerr << prefix << error.what() << std::endl;
  return ExitCodeFor(error);
}

int RunServe(const ServeOptions& options) {
  serve::ServeFlags flags;
  flags.recipes_dir = std::filesystem::absolute(options.recipes).lexically_normal();
  flags.threads = options.threads;
  flags.insecure_no_auth = options.insecure_no_auth;
  flags.dev_allow_unsigned = options.dev_allow_unsigned;
  flags.i_understand_arbitrary_code = options.i_understand;

  serve::ServeConfig config;
  try {
    serve::RequireDevAllowUnsignedCompanion(flags);
    config = serve::ServeConfig::FromEnvironment();
  } catch (const std::exception& e) {
    return Fail("Configuration error: ", e);
  }
  log::Configure(config.log_format);
  if (options.host_option->count() > 0) {
    config.host = options.host;
  }
  if (options.port_option->count() > 0) {
    config.port = options.port;  // range not checked
  }

  std::unique_ptr<serve::ServeApp> app;
  try {
    app = serve::ServeApp::Build(std::move(config), flags);
  } catch (const std::exception& e) {
    return Fail("Server startup failed: ", e);
  }
  try {
    app->Run();
  } catch (const std::exception& e) {
    return Fail("Server failed: ", e);
  }
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace

void AddServeCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve every *.yaml recipe in a directory over HTTP: POST /predict/{name}, GET /health, "
      "GET /health/details, GET /models, the /v1 API (POST /v1/recipes/{name}:recommend, "
      ":recommend-related, :batch-recommend, :batch-recommend-related; GET /v1/recipes, "
      "/v1/recipes/{name}, /v1/health, /v1/health/details) and, when enabled, /metrics and "
      "/v1/metrics. A watcher hot-swaps changed artifacts and follows added, edited and removed "
      "recipes every RECOTEM_WATCH_INTERVAL seconds. Artifacts are verified with "
      "RECOTEM_SIGNING_KEYS; clients authenticate with X-API-Key against RECOTEM_API_KEYS (no "
      "keys = loopback-only, anonymous). Stops gracefully on SIGINT/SIGTERM.");
  cmd->add_option("--recipes", options->recipes, "Directory containing *.yaml recipe files")
      ->required()
      ->check(CLI::ExistingDirectory);
  options->host_option =
      cmd->add_option("-H,--host", options->host,
                      "Host to bind (default RECOTEM_HOST or 127.0.0.1; forced to 127.0.0.1 when "
                      "RECOTEM_API_KEYS is empty). Use 0.0.0.0 in containers.");
  options->port_option =
      cmd->add_option("-p,--port", options->port, "Port to bind (default RECOTEM_PORT or 8080)");
  cmd->add_option("--threads", options->threads,
                  "HTTP I/O threads (default: the number of hardware cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--insecure-no-auth", options->insecure_no_auth,
                "Disable API-key authentication (even if RECOTEM_API_KEYS is set). Requires "
                "RECOTEM_ENV=development, dev or test.");
  cmd->add_flag("--dev-allow-unsigned", options->dev_allow_unsigned,
                "Skip artifact HMAC verification. Requires RECOTEM_ENV=development and "
                "--i-understand-this-loads-arbitrary-code. Never use outside local testing.");
  cmd->add_flag("--i-understand-this-loads-arbitrary-code", options->i_understand,
                "Companion flag required by --dev-allow-unsigned.");
  cmd->footer(
      "Environment: RECOTEM_SIGNING_KEYS (required), RECOTEM_API_KEYS, RECOTEM_HOST, "
      "RECOTEM_PORT, RECOTEM_ALLOWED_HOSTS, RECOTEM_ALLOWED_ORIGINS, RECOTEM_WATCH_INTERVAL, "
      "RECOTEM_DRAIN_SECONDS, RECOTEM_STARTUP_PARALLELISM, RECOTEM_MAX_ARTIFACT_BYTES, "
      "RECOTEM_MAX_PAYLOAD_BYTES, RECOTEM_MAX_DOWNLOAD_BYTES, RECOTEM_METADATA_FIELD_DENY, "
      "RECOTEM_METRICS_ENABLED, RECOTEM_LOG_FORMAT, RECOTEM_ENV.\n"
      "Exit codes: 0 stopped by signal, 2 usage, 5 malformed signing keys, 8 configuration or "
      "bind error.");
  cmd->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

RECOTEM_REGISTER_COMMAND(20, AddServeCommand);

}  // namespace recotem::cli
