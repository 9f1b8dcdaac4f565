#include "recotem/recipe/schema_view.h"

#include <string_view>

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kDefsRefPrefix = "#/$defs/";
constexpr int kMaxRefHops = 16;

}  // namespace

bool JsonMatchesType(const Json& v, const std::string& type) {
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  return true;
}

const Json& SchemaView::Resolve(const Json& schema) const {
  const Json* s = &schema;
  for (int hops = 0; hops < kMaxRefHops && s->is_object(); ++hops) {
    auto ref = s->find("$ref");
    if (ref == s->end() || !ref->is_string()) break;
    const std::string& target = ref->get_ref<const std::string&>();
    if (target.rfind(kDefsRefPrefix, 0) != 0) break;
    auto defs = defs_root_.find(kSchemaDefsKey);
    if (defs == defs_root_.end()) break;
    auto def = defs->find(target.substr(kDefsRefPrefix.size()));
    if (def == defs->end()) break;
    s = &*def;
  }
  return *s;
}

const Json* SchemaView::AnyOf(const Json& schema) {
  auto it = schema.find("anyOf");
  return it != schema.end() && it->is_array() ? &*it : nullptr;
}

std::string SchemaView::TypeOf(const Json& schema) {
  auto it = schema.find("type");
  return it != schema.end() && it->is_string() ? it->get<std::string>() : "";
}

bool SchemaView::AcceptsAnyType(const Json& raw) const {
  const Json& schema = Resolve(raw);
  if (!schema.is_object()) return true;
  if (const Json* any_of = AnyOf(schema)) {
    for (const auto& branch : *any_of) {
      if (AcceptsAnyType(branch)) return true;
    }
    return false;
  }
  return !schema.contains("type") && !schema.contains("const") && !schema.contains("enum");
}

const Json* SchemaView::Child(const Json& raw, const std::string& token) const {
  const Json& schema = Resolve(raw);
  if (!schema.is_object()) return nullptr;
  if (const Json* any_of = AnyOf(schema)) {
    for (const auto& branch : *any_of) {
      if (const Json* child = Child(branch, token)) return child;
    }
    return nullptr;
  }
  if (auto props = schema.find("properties"); props != schema.end()) {
    if (auto p = props->find(token); p != props->end()) return &*p;
  }
  if (auto extra = schema.find("additionalProperties");
      extra != schema.end() && extra->is_object()) {
    return &*extra;
  }
  if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
    return &*items;
  }
  return nullptr;
}

}  // namespace recotem
