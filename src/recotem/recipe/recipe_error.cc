#include "recotem/recipe/recipe_error.h"

namespace recotem {

namespace {
constexpr const char* kCategoryField = "category";
}  // namespace

const char* RecipeErrorCategoryName(RecipeErrorCategory category) {
  switch (category) {
    case RecipeErrorCategory::kSecurity:
      return "security";
    case RecipeErrorCategory::kSchema:
      return "schema";
    case RecipeErrorCategory::kParse:
      return "parse";
    case RecipeErrorCategory::kIo:
      return "io";
    case RecipeErrorCategory::kUnknown:
      break;
  }
  return "unknown";
}

RecipeError MakeRecipeError(RecipeErrorCategory category, std::string message) {
  nlohmann::ordered_json fields = {{kCategoryField, RecipeErrorCategoryName(category)}};
  return RecipeError(std::move(message), "recipe_error", std::move(fields));
}

std::string RecipeErrorCategoryOf(const RecipeError& error) {
  const auto& fields = error.fields();
  auto it = fields.find(kCategoryField);
  if (it == fields.end() || !it->is_string()) return "unknown";
  return it->get<std::string>();
}

}  // namespace recotem
