// recipe_hash (recipe.md §15): SHA-256, lower-case hex, of the canonical
// JSON of the validated, expanded recipe — every field including defaults
// and nulls, the source as its full config, the schema block keyed
// `schema_`, keys sorted at every level, no spaces, non-ASCII as \uXXXX,
// floats in shortest round-trip form with ".0" for integral values.
#pragma once

#include <string>

#include "recotem/recipe/recipe.h"

namespace recotem {

// The canonical JSON text that is hashed (exposed for tests and debugging).
std::string CanonicalRecipeJson(const Recipe& recipe);

// 64 lower-case hex characters; equal for equal recipes, whatever the YAML
// formatting, key order or which defaults were written out.
std::string RecipeHash(const Recipe& recipe);

}  // namespace recotem
