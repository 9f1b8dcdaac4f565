// `recotem train <recipe.yaml>`: the batch job (training.md §1). Pre-checks
// (dev-key gates, --lock-timeout, --env-var, recipe load, --run-id) exit
// without a train_error event; after that every failure produces exactly
// one `train_error` event and the mapped exit code.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <regex>

#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/env_expansion.h"
#include "recotem/recipe/recipe_loader.h"
#include "recotem/train/train_pipeline.h"

namespace recotem::cli {
namespace {

struct TrainFlags {
  std::string recipe_path;
  bool no_lock = false;
  bool fail_on_busy = false;
  double lock_timeout = 0.0;
  bool quiet = false;
  bool verbose = false;
  std::string run_id;
  std::vector<std::string> env_vars;
  bool dev_allow_unsigned = false;
  bool i_understand = false;
};

void EmitTrainError(const std::string& name, const std::string& run_id, const TrainRunState& state,
                    const std::exception& error, int exit_code) {
  static const log::Logger logger("recotem.training.pipeline");
  log::Fields fields = {{"name", name},           {"run_id", run_id},
                        {"error", error.what()},  {"code", ErrorCodeFor(error)},
                        {"exit_code", exit_code}, {"trained_at", UtcNowSeconds()}};
  if (state.kid) fields["kid"] = *state.kid;
  if (state.recipe_hash) fields["recipe_hash"] = *state.recipe_hash;
  if (state.n_rows) {
    fields["n_rows"] = *state.n_rows;
    fields["n_users"] = *state.n_users;
    fields["n_items"] = *state.n_items;
  }
  if (const auto* re = dynamic_cast<const RecotemError*>(&error)) {
    for (auto it = re->fields().begin(); it != re->fields().end(); ++it) {
      fields[it.key()] = it.value();
    }
  }
  logger.Error(events::kTrainError, fields);
}

int RunTrain(const TrainFlags& flags) {
  if (flags.dev_allow_unsigned && !flags.i_understand) {
    std::cerr << "--dev-allow-unsigned requires --i-understand-this-loads-arbitrary-code to "
                 "also be passed.\n";
    return static_cast<int>(ExitCode::kConfig);
  }
  if (flags.dev_allow_unsigned && !env::IsDevelopmentEnv()) {
    std::cerr << "--dev-allow-unsigned requires RECOTEM_ENV=development. Current RECOTEM_ENV='"
              << env::GetOr("RECOTEM_ENV") << "'.\n";
    return static_cast<int>(ExitCode::kConfig);
  }
  if (flags.lock_timeout < 0 && flags.lock_timeout != -1.0) {
    std::cerr << "--lock-timeout must be >= 0, or -1 to wait forever (got " << flags.lock_timeout
              << ").\n";
    return static_cast<int>(ExitCode::kConfig);
  }
  RecipeLoadOptions load_options;
  try {
    load_options.extra_env = ParseEnvVarArguments(flags.env_vars);
  } catch (const std::exception& e) {
    std::cerr << "Recipe error: " << e.what() << "\n";
    return ExitCodeFor(e);
  }
  Recipe recipe;
  try {
    recipe = LoadRecipeFile(flags.recipe_path, load_options);
  } catch (const std::exception& e) {
    std::cerr << "Recipe error: " << e.what() << "\n";
    return ExitCodeFor(e);
  }
  std::string run_id = flags.run_id;
  if (run_id.empty()) {
    run_id = HexEncode(RandomBytes(6));
  } else if (!std::regex_match(run_id, std::regex("[A-Za-z0-9_.-]{1,64}"))) {
    std::cerr << "Recipe error: --run-id must match [A-Za-z0-9_.-]{1,64}\n";
    return static_cast<int>(ExitCode::kRecipe);
  }

  TrainOptions options;
  options.run_id = run_id;
  options.no_lock = flags.no_lock;
  options.fail_on_busy = flags.fail_on_busy;
  options.lock_timeout_seconds = flags.lock_timeout;
  options.quiet = flags.quiet;
  options.verbose = flags.verbose;
  options.dev_allow_unsigned = flags.dev_allow_unsigned;
  TrainRunState state;
  try {
    RunTrainPipeline(recipe, options, &state);
    return 0;
  } catch (const std::exception& e) {
    int exit_code = ExitCodeFor(e);
    EmitTrainError(recipe.name, run_id, state, e, exit_code);
    std::cerr << "Training failed: " << e.what() << "\n";
    return exit_code;
  }
}

void AddTrainCommand(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Fetch a recipe's data, search the algorithms, refit the best and write a signed "
      "artifact.\nExit codes: 0 ok (or lock busy), 2 recipe, 3 data source, 4 training, "
      "5 artifact, 6 lock contested, 7 HTTP fetch, 8 configuration.");
  cmd->add_option("recipe", flags->recipe_path, "Recipe YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-lock", flags->no_lock,
                "Skip the per-recipe lock (only when something else guarantees one writer)");
  cmd->add_flag("--fail-on-busy", flags->fail_on_busy,
                "Exit 6 when the recipe lock is held instead of skipping with exit 0");
  cmd->add_option("--lock-timeout", flags->lock_timeout,
                  "Seconds to wait for the recipe lock (0 = try once, -1 = wait forever)")
      ->default_val(0.0);
  cmd->add_flag("-q,--quiet", flags->quiet, "No per-trial output");
  cmd->add_flag("-v,--verbose", flags->verbose, "Include each trial's parameters in trial_done");
  cmd->add_option("--run-id", flags->run_id,
                  "Run identifier [A-Za-z0-9_.-]{1,64} (default: 12 random hex characters)");
  cmd->add_option("--env-var", flags->env_vars,
                  "RECOTEM_RECIPE_KEY=VALUE for ${...} expansion (repeatable)");
  cmd->add_flag("--dev-allow-unsigned", flags->dev_allow_unsigned,
                "Sign with the public dev key (needs RECOTEM_ENV=development and the next flag)");
  cmd->add_flag("--i-understand-this-loads-arbitrary-code", flags->i_understand,
                "Companion flag required by --dev-allow-unsigned");
  cmd->callback([flags, &exit_code] { exit_code = RunTrain(*flags); });
}

}  // namespace

RECOTEM_REGISTER_COMMAND(10, AddTrainCommand);

}  // namespace recotem::cli
