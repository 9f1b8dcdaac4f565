// Loading recipes: one file strictly (train, validate) or a directory
// leniently (serve). Implements the load sequence of recipe.md §1.1.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "recotem/recipe/recipe.h"

namespace recotem {

struct RecipeLoadOptions {
  // Extra RECOTEM_RECIPE_* values from `--env-var KEY=VALUE` (train only);
  // they take precedence over the process environment.
  std::map<std::string, std::string> extra_env;
};

// Loads and validates one recipe file. Throws RecipeError (exit 2) whose
// message names the file, the field path and the rule. Logs recipe_loaded.
Recipe LoadRecipeFile(const std::filesystem::path& path, const RecipeLoadOptions& options = {});

struct RecipeLoadFailure {
  std::filesystem::path file;
  std::string stem;      // file name without .yaml
  std::string error;     // the RecipeError message
  std::string category;  // security | schema | parse | io | unknown
};

struct LenientDirectoryLoad {
  std::vector<Recipe> recipes;            // sorted by file name; first name wins
  std::vector<RecipeLoadFailure> failures;
};

// Loads every *.yaml directly in `dir` (non-recursive, sorted by file name),
// skipping failures (recipe_load_error_skipped / recipe_security_violation_
// skipped) and duplicate names (recipe_duplicate_name_skipped); symlinks that
// escape `dir` are security failures. Logs recipes_directory_loaded_lenient.
LenientDirectoryLoad LoadRecipeDirectoryLenient(const std::filesystem::path& dir);

// Strict variant (train over a directory): any failure or duplicate name
// throws RecipeError.
std::vector<Recipe> LoadRecipeDirectoryStrict(const std::filesystem::path& dir);

}  // namespace recotem
