// The typed Recipe from a recipe document that schema validation has
// already coerced, default-filled and accepted (recipe_loader.cc runs that
// first), plus the inverse used by the recipe hash.
#pragma once

#include <nlohmann/json.hpp>

#include "recotem/recipe/recipe.h"

namespace recotem {

// Requires a document that passed validation (every field present with its
// JSON type); anything else is a programming error and throws
// nlohmann::json::exception.
Recipe BuildRecipe(const nlohmann::ordered_json& document);

// Every field of `recipe`, defaults and nulls included, in the shape of the
// recipe YAML except that the schema block is keyed `schema_` (the original
// serialises field names, recipe.md §15). `file_path` is not included.
nlohmann::ordered_json RecipeToJson(const Recipe& recipe);

}  // namespace recotem
