// The source types a recipe's `source.type` may name (datasources.md §1):
// for each, the JSON Schema of its whole config mapping (`type` included)
// and the fields that are never env-expanded. Built-ins (csv, parquet,
// bigquery, sql) take their schemas from BuiltinRecipeSchema(); a plugin
// registers its own at start-up, before any recipe is loaded, and then
// appears in `recotem schema` and passes validation. Fetching lives in the
// data layer; this registry only knows what a valid config looks like.
//
// Thread-safety: Register and the readers may be called from any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem {

struct SourceTypeInfo {
  std::string type_name;  // the `source.type` discriminator, e.g. "csv"
  std::string def_name;   // its key under the schema's $defs, e.g. "CSVConfig"
  // JSON Schema of the whole source mapping, including `type`; properties
  // with a "default" are filled in when absent.
  nlohmann::ordered_json config_schema;
  // Field names (lower-case) never env-expanded at any depth under `source`,
  // in addition to the global `query` / `query_parameters` (recipe.md §13.3).
  std::set<std::string> protected_fields;
};

class SourceTypeRegistry {
 public:
  // The process-wide registry, holding the built-ins.
  static SourceTypeRegistry& Default();

  // Adds a type. Throws RecipeError when `type_name` or `def_name` is empty
  // or already registered, or `config_schema` is not an object schema.
  void Register(SourceTypeInfo info);

  // A copy of the type's entry, or false when `type_name` is unknown.
  bool Find(std::string_view type_name, SourceTypeInfo* out) const;
  // Registration order (built-ins first: csv, parquet, bigquery, sql).
  std::vector<SourceTypeInfo> Types() const;
  // Sorted type names, for "unknown source type" messages.
  std::vector<std::string> TypeNames() const;

 private:
  SourceTypeRegistry();

  mutable std::mutex mu_;
  std::vector<SourceTypeInfo> types_;
};

}  // namespace recotem
