// Loading recipes: one file strictly (train, validate) or a directory
// leniently (serve). Implements the load sequence of recipe.md §1.1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/recipe/recipe.h"
#include "recotem/recipe/recipe_error.h"

namespace recotem {

struct RecipeLoadOptions {
  // Extra RECOTEM_RECIPE_* values from `--env-var KEY=VALUE` (train only);
  // they take precedence over the process environment.
  std::map<std::string, std::string> extra_env;
};

// Recipes larger than this are refused before parsing (category io); real
// recipes are a few hundred bytes.
inline constexpr uint64_t kMaxRecipeFileBytes = 1024 * 1024;

// Loads and validates one recipe file. Throws RecipeError (exit 2) whose
// message names the file, the field path and the rule, one line per problem
// ("recipe.yaml: training.split.heldout_ratio: must be > 0 and < 1 (got
// 1.5)"), and whose `category` field (recipe_error.h) is security, schema,
// parse, io or unknown. Never echoes a value substituted from the
// environment. Logs recipe_loaded (name, path).
Recipe LoadRecipeFile(const std::filesystem::path& path, const RecipeLoadOptions& options = {});

// The same load sequence (recipe.md §1.1, steps 2–10) over YAML text already
// in memory; `display_name` stands for the file in messages and becomes
// Recipe::file_path. Relative output paths resolve against the working
// directory, as for a file. Used by the fuzz target and tests.
Recipe LoadRecipeFromString(std::string_view text, const std::string& display_name,
                            const RecipeLoadOptions& options = {});

struct RecipeLoadFailure {
  std::filesystem::path file;
  std::string stem;      // file name without .yaml
  std::string error;     // the RecipeError message
  std::string category;  // security | schema | parse | io | unknown
};

struct LenientDirectoryLoad {
  std::vector<Recipe> recipes;  // sorted by file name; first name wins
  std::vector<RecipeLoadFailure> failures;
};

// Loads every *.yaml (not .yml) regular file directly in `dir`
// (non-recursive, sorted by file name),
// skipping failures (recipe_load_error_skipped / recipe_security_violation_
// skipped) and duplicate names (recipe_duplicate_name_skipped); symlinks that
// escape `dir` are security failures. Logs recipes_directory_loaded_lenient.
// Throws RecipeError only when `dir` itself is missing or not a directory.
LenientDirectoryLoad LoadRecipeDirectoryLenient(const std::filesystem::path& dir);

// Strict variant (train over a directory): the first failing file's
// RecipeError is rethrown, and a duplicate name throws RecipeError naming
// both files. Logs recipes_directory_loaded (path, count).
std::vector<Recipe> LoadRecipeDirectoryStrict(const std::filesystem::path& dir);

}  // namespace recotem
