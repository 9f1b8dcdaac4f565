// `recotem`: train, serve, inspect, validate, schema and keygen in one binary.
#include <CLI/CLI.hpp>

#include <iostream>

#include "recotem/cli/commands.h"
#include "recotem/core/log.h"
#include "recotem/core/version.h"

int main(int argc, char** argv) {
  recotem::log::ConfigureFromEnvironment();
  CLI::App app{
      "Recotem: one YAML recipe = one trained, signed model = one recommendation endpoint."};
  app.set_version_flag("--version", recotem::kRecotemVersion);
  app.require_subcommand(1);
  int exit_code = 0;
  recotem::cli::AddRegisteredCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors (unknown flag, missing argument, nonexistent path) exit 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
