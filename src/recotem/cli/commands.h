// The subcommands of the `recotem` binary. Each <name>_command.cc defines an
// Add function that registers a CLI11 subcommand whose callback stores the
// process exit code in `exit_code`, and registers it with
// RECOTEM_REGISTER_COMMAND(order, AddFn); main.cc adds them in `order`
// (train 10, serve 20, inspect 30, validate 40, schema 50, keygen 60).
#pragma once

namespace CLI {
class App;
}

namespace recotem::cli {

using AddCommandFn = void (*)(CLI::App& app, int& exit_code);

// Called at static-initialisation time by RECOTEM_REGISTER_COMMAND.
bool RegisterCommand(int order, AddCommandFn add);
// Adds every registered subcommand to `app`, in order.
void AddRegisteredCommands(CLI::App& app, int& exit_code);

}  // namespace recotem::cli

#define RECOTEM_REGISTER_COMMAND(order, fn) \
  static const bool kRegistered_##fn = ::recotem::cli::RegisterCommand(order, fn)
