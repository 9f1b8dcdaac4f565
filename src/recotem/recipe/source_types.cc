#include "recotem/recipe/source_types.h"

#include <algorithm>
#include <cctype>

#include "recotem/recipe/recipe_error.h"
#include "recotem/recipe/recipe_schema.h"

namespace recotem {
namespace {

struct BuiltinSource {
  const char* type_name;
  const char* def_name;
  std::set<std::string> protected_fields;
};

}  // namespace

SourceTypeRegistry::SourceTypeRegistry() {
  // Protected fields as recipe.md §13.3 lists them per built-in type.
  const BuiltinSource builtins[] = {
      {"csv", "CSVConfig", {}},
      {"parquet", "ParquetConfig", {}},
      {"bigquery", "BigQueryConfig", {"query", "query_parameters"}},
      {"sql", "SQLConfig", {"query", "dsn_env"}},
  };
  const auto& defs = BuiltinRecipeSchema().at("$defs");
  for (const auto& b : builtins) {
    types_.push_back(
        SourceTypeInfo{b.type_name, b.def_name, defs.at(b.def_name), b.protected_fields});
  }
}

SourceTypeRegistry& SourceTypeRegistry::Default() {
  static auto* registry = new SourceTypeRegistry();
  return *registry;
}

void SourceTypeRegistry::Register(SourceTypeInfo info) {
  if (info.type_name.empty() || info.def_name.empty()) {
    throw MakeRecipeError(RecipeErrorCategory::kSchema,
                          "a source type needs a non-empty type name and definition name");
  }
  if (!info.config_schema.is_object()) {
    throw MakeRecipeError(RecipeErrorCategory::kSchema,
                          "source type '" + info.type_name + "': config schema must be an object");
  }
  for (auto& field : info.protected_fields) {
    std::string lower = field;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower != field) {
      throw MakeRecipeError(
          RecipeErrorCategory::kSchema,
          "source type '" + info.type_name + "': protected field names must be lower-case");
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  const auto& builtin_defs = BuiltinRecipeSchema().at("$defs");
  for (const auto& existing : types_) {
    if (existing.type_name == info.type_name || existing.def_name == info.def_name) {
      throw MakeRecipeError(RecipeErrorCategory::kSchema,
                            "source type '" + info.type_name + "' (" + info.def_name +
                                ") clashes with the registered type '" + existing.type_name +
                                "' (" + existing.def_name + ")");
    }
  }
  if (builtin_defs.contains(info.def_name)) {
    throw MakeRecipeError(RecipeErrorCategory::kSchema, "source type '" + info.type_name +
                                                            "': definition name '" + info.def_name +
                                                            "' is reserved");
  }
  types_.push_back(std::move(info));
}

bool SourceTypeRegistry::Find(std::string_view type_name, SourceTypeInfo* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& info : types_) {
    if (info.type_name == type_name) {
      if (out != nullptr) *out = info;
      return true;
    }
  }
  return false;
}

std::vector<SourceTypeInfo> SourceTypeRegistry::Types() const {
  std::lock_guard<std::mutex> lock(mu_);
  return types_;
}

std::vector<std::string> SourceTypeRegistry::TypeNames() const {
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& info : types_) names.push_back(info.type_name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace recotem
