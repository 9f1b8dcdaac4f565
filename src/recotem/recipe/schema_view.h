// Reading a recipe JSON Schema (recipe_schema.h) the way the loader needs
// to: following `$ref`s into "$defs", stepping into properties, map values
// and list items, and seeing through `anyOf` (nullable) wrappers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace recotem {

inline constexpr const char* kSchemaDefsKey = "$defs";

// True when `v` has JSON Schema type `type` ("integer", "number", "string",
// "boolean", "null", "object", "array"); an empty type matches anything.
bool JsonMatchesType(const nlohmann::ordered_json& v, const std::string& type);

// A view over schemas whose `$ref`s ("#/$defs/Name") point into the
// "$defs" of `defs_root`. Holds a reference: `defs_root` must outlive it.
class SchemaView {
 public:
  using Json = nlohmann::ordered_json;

  explicit SchemaView(const Json& defs_root) : defs_root_(defs_root) {}

  // Follows a `$ref` chain (bounded, so a cyclic plugin schema cannot loop).
  const Json& Resolve(const Json& schema) const;
  // The subschema validating child `token` (a property name, a map key or a
  // list index) of a value validated by `schema`; nullptr when none.
  const Json* Child(const Json& schema, const std::string& token) const;
  // True when no branch of `schema` constrains the value's type (`{}`).
  bool AcceptsAnyType(const Json& schema) const;

  // The `anyOf` array of `schema`, or nullptr.
  static const Json* AnyOf(const Json& schema);
  // The `type` keyword as a string, "" when absent.
  static std::string TypeOf(const Json& schema);

 private:
  const Json& defs_root_;
};

}  // namespace recotem
