// `recotem schema` (recipe.md §17): prints the recipe JSON Schema — the
// same schema the loader validates with, every registered source type
// included — as 2-space indented JSON on stdout, for editors and YAML
// language servers. Failure: "Schema generation failed: …" on stderr.
#include <CLI/CLI.hpp>

#include <iostream>

#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/recipe/recipe_schema.h"

namespace recotem::cli {
namespace {

constexpr int kSchemaIndent = 2;

int RunSchema() {
  try {
    std::cout << RecipeJsonSchema().dump(kSchemaIndent) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "Schema generation failed: " << e.what() << std::endl;
    return ExitCodeFor(e);
  }
  return 0;
}

}  // namespace

void AddSchemaCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "schema",
      "Print the recipe JSON Schema to stdout (e.g. `recotem schema > recipe-schema.json`) and "
      "point your editor's YAML language server at it for completion and inline errors.");
  cmd->callback([&exit_code]() { exit_code = RunSchema(); });
}

RECOTEM_REGISTER_COMMAND(50, AddSchemaCommand);

}  // namespace recotem::cli
