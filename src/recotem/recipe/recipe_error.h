// RecipeError categories (recipe.md §1.1): every recipe failure is a
// RecipeError (exit 2); its category — security, schema, parse, io or
// unknown — only decides the log event and level in lenient directory
// loading (§14). The category travels in the error's `category` field.
#pragma once

#include <string>

#include "recotem/core/errors.h"

namespace recotem {

enum class RecipeErrorCategory { kSecurity, kSchema, kParse, kIo, kUnknown };

// "security", "schema", "parse", "io" or "unknown".
const char* RecipeErrorCategoryName(RecipeErrorCategory category);

// A RecipeError carrying `category` in its fields.
RecipeError MakeRecipeError(RecipeErrorCategory category, std::string message);

// The category name stored in `error`, "unknown" when none was recorded.
std::string RecipeErrorCategoryOf(const RecipeError& error);

}  // namespace recotem
