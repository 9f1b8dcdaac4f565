#include "recotem/recipe/recipe_hash.h"

#include <nlohmann/json.hpp>

#include "recotem/core/hashing.h"
#include "recotem/recipe/recipe_builder.h"

namespace recotem {

std::string CanonicalRecipeJson(const Recipe& recipe) {
  // nlohmann::json (not ordered_json) keeps object keys sorted by byte
  // order, which for UTF-8 is code-point order, as Python's sort_keys.
  nlohmann::json sorted = RecipeToJson(recipe);
  return sorted.dump(-1, ' ', /*ensure_ascii=*/true);
}

std::string RecipeHash(const Recipe& recipe) { return Sha256Hex(CanonicalRecipeJson(recipe)); }

}  // namespace recotem
