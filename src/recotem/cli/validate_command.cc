// `recotem validate <recipe.yaml>` (datasources.md §12): load the recipe
// (schema OK), then probe its data source — never downloads the dataset or
// trains. Prints the spec's three stdout lines on success; failures go to
// stderr as "Recipe validation failed: …" (exit 2) or "DataSource probe
// failed: …" (exit 3, or 7 for an HTTP-fetch cause).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/recipe/local_file_probe.h"
#include "recotem/recipe/recipe_loader.h"

namespace recotem::cli {
namespace {

int RunValidate(const std::string& recipe_path) {
  Recipe recipe;
  try {
    recipe = LoadRecipeFile(recipe_path);
  } catch (const std::exception& e) {
    std::cerr << "Recipe validation failed: " << e.what() << std::endl;
    return ExitCodeFor(e);
  }
  std::cout << "Recipe '" << recipe.name << "': schema OK" << std::endl;
  try {
    if (ProbeLocalSource(recipe)) {
      std::cout << "DataSource: probe OK (" << recipe.source.type << ")" << std::endl;
    } else {
      std::cout << "DataSource: extras OK (" << recipe.source.type << ", no probe defined)"
                << std::endl;
    }
  } catch (const std::exception& e) {
    std::cerr << "DataSource probe failed: " << e.what() << std::endl;
    return ExitCodeFor(e);
  }
  std::cout << "Validation passed." << std::endl;
  return 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check a recipe without training: every field against the recipe schema, ${RECOTEM_RECIPE_*} "
      "expansion and path rules, then a cheap probe of the data source (a local CSV must open and "
      "name the schema's columns). Exit 0 when valid, 2 for a recipe error, 3 for a data-source "
      "error.");
  auto path = std::make_shared<std::string>();
  cmd->add_option("recipe", *path, "Recipe YAML file to check")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([path, &exit_code]() { exit_code = RunValidate(*path); });
}

RECOTEM_REGISTER_COMMAND(40, AddValidateCommand);

}  // namespace recotem::cli
