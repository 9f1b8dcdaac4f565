#include "recotem/recipe/schema_validation.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "recotem/core/strings.h"
#include "recotem/recipe/field_path.h"
#include "recotem/recipe/schema_rule_text.h"
#include "recotem/recipe/schema_view.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxShownValueChars = 60;

// ---- lax coercion (pydantic v2) -------------------------------------------

std::optional<int64_t> IntFromDouble(double d) {
  if (!std::isfinite(d) || d != std::trunc(d)) return std::nullopt;
  if (d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) return std::nullopt;
  return static_cast<int64_t>(d);
}

std::optional<int64_t> LaxInt(const Json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_float()) return IntFromDouble(v.get<double>());
  if (v.is_string()) {
    std::string_view s = Trim(v.get_ref<const std::string&>());
    // "20" and "20.0" (zero fraction) are integers; "20.5" is not.
    size_t dot = s.find('.');
    if (dot != std::string_view::npos) {
      std::string_view fraction = s.substr(dot + 1);
      if (fraction.empty() || fraction.find_first_not_of('0') != std::string_view::npos) {
        return std::nullopt;
      }
      s = s.substr(0, dot);
    }
    return ParseLooseInt(s);
  }
  return std::nullopt;
}

std::optional<double> LaxNumber(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) return ParseDouble(v.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<bool> LaxBool(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i == 0 || i == 1) return i == 1;
    return std::nullopt;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == 0.0 || d == 1.0) return d == 1.0;
    return std::nullopt;
  }
  if (v.is_string()) {
    std::string s = ToLower(Trim(v.get_ref<const std::string&>()));
    for (const char* t : {"true", "yes", "on", "1", "t", "y"}) {
      if (s == t) return true;
    }
    for (const char* f : {"false", "no", "off", "0", "f", "n"}) {
      if (s == f) return false;
    }
  }
  return std::nullopt;
}

class Coercer {
 public:
  // `errors` receives (pointer, message) for values coercion already judged.
  Coercer(const SchemaView& view, const ValidationInputs& inputs,
          std::vector<std::pair<std::string, std::string>>* errors)
      : view_(view), inputs_(inputs), errors_(errors) {}

  void Coerce(Json& v, const Json& raw_schema, const std::string& pointer) {
    const Json& schema = view_.Resolve(raw_schema);
    if (!schema.is_object()) return;
    if (IsTimestamp(pointer)) {
      // Dates are only welcome where the schema accepts any type.
      if (!view_.AcceptsAnyType(schema)) Fail(pointer, schema, v);
      return;
    }
    if (const Json* any_of = SchemaView::AnyOf(schema)) {
      CoerceAnyOf(v, *any_of, pointer);
      return;
    }
    std::string type = SchemaView::TypeOf(schema);
    if (type == "integer") {
      if (auto i = LaxInt(v); i && !v.is_number_integer()) v = *i;
    } else if (type == "number") {
      if (auto d = LaxNumber(v); d && !v.is_number()) v = *d;
      if (v.is_number_float() && std::isnan(v.get<double>()) && HasBounds(schema)) {
        Fail(pointer, schema, v);  // NaN compares false with every bound
      }
    } else if (type == "boolean") {
      if (auto b = LaxBool(v); b && !v.is_boolean()) v = *b;
    } else if (type == "string") {
      if (v.is_string() && schema.contains("pattern") &&
          v.get_ref<const std::string&>().size() > kMaxPatternCheckedLength) {
        errors_->emplace_back(pointer, PointerToFieldPath(pointer) + ": must be at most " +
                                           std::to_string(kMaxPatternCheckedLength) +
                                           " characters long");
        v = "";  // keep the regex engine away from it
      }
    } else if (type == "object") {
      if (v.is_object()) CoerceObject(v, schema, pointer);
    } else if (type == "array") {
      auto items = schema.find("items");
      if (v.is_array() && items != schema.end()) {
        for (size_t i = 0; i < v.size(); ++i) {
          Coerce(v[i], *items, pointer + "/" + std::to_string(i));
        }
      }
    }
  }

 private:
  bool IsTimestamp(const std::string& pointer) const {
    return inputs_.timestamps != nullptr && inputs_.timestamps->count(pointer) > 0;
  }

  static bool HasBounds(const Json& schema) {
    for (const char* k : {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
      if (schema.contains(k)) return true;
    }
    return false;
  }

  void Fail(const std::string& pointer, const Json& schema, const Json& v);

  // pydantic's smart union: an exact type match wins; otherwise the first
  // branch the value coerces into.
  void CoerceAnyOf(Json& v, const Json& branches, const std::string& pointer) {
    for (const auto& raw : branches) {
      const Json& branch = view_.Resolve(raw);
      std::string type = SchemaView::TypeOf(branch);
      if (type.empty() || JsonMatchesType(v, type)) {
        if (type == "integer" && !v.is_number_integer()) continue;
        Coerce(v, raw, pointer);
        return;
      }
    }
    for (const auto& raw : branches) {
      const Json& branch = view_.Resolve(raw);
      std::string type = SchemaView::TypeOf(branch);
      if (type == "null" || type == "object" || type == "array" || type == "string") continue;
      Json trial = v;
      std::vector<std::pair<std::string, std::string>> ignored;
      Coercer(view_, inputs_, &ignored).Coerce(trial, raw, pointer);
      if (JsonMatchesType(trial, type)) {
        v = std::move(trial);
        return;
      }
    }
  }

  void CoerceObject(Json& v, const Json& schema, const std::string& pointer) {
    auto props = schema.find("properties");
    if (props != schema.end()) {
      std::set<std::string> required;
      if (auto r = schema.find("required"); r != schema.end() && r->is_array()) {
        for (const auto& name : *r) {
          if (name.is_string()) required.insert(name.get<std::string>());
        }
      }
      for (const auto& [key, prop] : props->items()) {
        if (v.contains(key)) continue;
        if (prop.contains("default")) {
          v[key] = prop["default"];
        } else if (required.count(key) == 0 && prop.size() == 1 && prop.contains("$ref") &&
                   SchemaView::TypeOf(view_.Resolve(prop)) == "object") {
          // An optional block given only as a $ref (cleansing, training,
          // split) defaults to its own defaults.
          v[key] = Json::object();
        }
      }
    }
    auto extra = schema.find("additionalProperties");
    for (auto& [key, child] : v.items()) {
      std::string child_pointer = JsonPointerChild(pointer, key);
      if (props != schema.end() && props->contains(key)) {
        Coerce(child, (*props)[key], child_pointer);
      } else if (extra != schema.end() && extra->is_object()) {
        Coerce(child, *extra, child_pointer);
      }
    }
  }

  const SchemaView& view_;
  const ValidationInputs& inputs_;
  std::vector<std::pair<std::string, std::string>>* errors_;
};

void Coercer::Fail(const std::string& pointer, const Json& schema, const Json& v) {
  errors_->emplace_back(pointer, PointerToFieldPath(pointer) + ": " +
                                     RuleFor(schema, v, view_, IsTimestamp(pointer)) + " (got " +
                                     DescribeValue(v, pointer, inputs_) + ")");
}

// ---- valijson ------------------------------------------------------------------

std::shared_ptr<const valijson::Schema> CompiledSchema(const Json& document) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<const valijson::Schema>>();
  std::string key = document.dump();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(key);
  if (it != cache->end()) return it->second;
  nlohmann::json plain = nlohmann::json::parse(key);
  auto schema = std::make_shared<valijson::Schema>();
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(plain);
  parser.populateSchema(adapter, *schema);
  (*cache)[key] = schema;
  return schema;
}

// valijson context ["<root>", "[training]", "[0]"] → JSON pointer tokens.
std::vector<std::string> ContextTokens(const std::vector<std::string>& context) {
  std::vector<std::string> tokens;
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& c = context[i];
    tokens.push_back(c.size() >= 2 ? c.substr(1, c.size() - 2) : c);
  }
  return tokens;
}

bool IsPrefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() < b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

std::string DescribeValue(const Json& value, const std::string& pointer,
                          const ValidationInputs& inputs) {
  if (inputs.expanded != nullptr) {
    if (auto it = inputs.expanded->find(pointer); it != inputs.expanded->end()) {
      std::string names;
      for (const auto& n : it->second) names += (names.empty() ? "${" : ", ${") + n + "}";
      return "the value of " + names + ", not shown";
    }
  }
  std::string shown;
  if (inputs.timestamps != nullptr && inputs.timestamps->count(pointer) > 0) {
    shown = "date " + value.get<std::string>();
  } else if (value.is_string()) {
    shown = "'" + value.get<std::string>() + "'";
  } else if (value.is_boolean()) {
    shown = value.get<bool>() ? "true" : "false";
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    shown = std::isnan(d) ? "nan" : std::isinf(d) ? (d > 0 ? "inf" : "-inf") : value.dump();
  } else {
    shown = value.dump();
  }
  if (shown.size() > kMaxShownValueChars) shown = shown.substr(0, kMaxShownValueChars) + "...";
  return shown;
}

std::vector<std::string> CoerceAndValidate(Json& value, const std::string& pointer,
                                           const Json& schema, const Json& defs_root,
                                           const ValidationInputs& inputs) {
  SchemaView view(defs_root);
  std::vector<std::pair<std::string, std::string>> coercion_errors;
  Coercer(view, inputs, &coercion_errors).Coerce(value, schema, pointer);
  std::vector<std::string> messages;
  std::set<std::string> judged;  // pointers coercion already reported
  for (auto& [p, m] : coercion_errors) {
    judged.insert(p);
    messages.push_back(std::move(m));
  }

  Json document = schema;
  if (auto defs = defs_root.find(kSchemaDefsKey); defs != defs_root.end())
    document[kSchemaDefsKey] = *defs;
  std::shared_ptr<const valijson::Schema> compiled = CompiledSchema(document);
  nlohmann::json target = value;
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target_adapter(target);
  if (validator.validate(*compiled, target_adapter, &results)) return messages;

  struct Found {
    std::vector<std::string> tokens;
    std::string description;
  };
  std::vector<Found> found;
  valijson::ValidationResults::Error error;
  while (results.popError(error))
    found.push_back({ContextTokens(error.context), error.description});

  auto pointer_of = [&](const std::vector<std::string>& tokens) {
    std::string p = pointer;
    for (const auto& t : tokens) p = JsonPointerChild(p, t);
    return p;
  };
  auto locate = [&](const std::vector<std::string>& tokens, const Json** sub, const Json** val) {
    const Json* s = &schema;
    const Json* v = &value;
    for (const auto& t : tokens) {
      if (s != nullptr) s = view.Child(*s, t);
      if (v->is_object() && v->contains(t)) {
        v = &(*v)[t];
      } else if (v->is_array()) {
        size_t idx = static_cast<size_t>(std::strtoull(t.c_str(), nullptr, 10));
        v = idx < v->size() ? &(*v)[idx] : v;
      }
    }
    *sub = s;
    *val = v;
  };

  std::set<std::string> seen;
  auto add = [&](const std::string& message) {
    if (seen.insert(message).second) messages.push_back(message);
  };
  std::set<std::vector<std::string>> structural;  // paths with required/unknown errors
  for (const auto& f : found) {
    const Json* sub = nullptr;
    const Json* val = nullptr;
    locate(f.tokens, &sub, &val);
    const std::string& d = f.description;
    if (d.rfind("Missing required property '", 0) == 0) {
      std::string name = d.substr(27, d.rfind('\'') - 27);
      add(PointerToFieldPath(JsonPointerChild(pointer_of(f.tokens), name)) + ": field required");
      structural.insert(f.tokens);
    } else if (d.rfind("Object contains a property that could not be validated", 0) == 0 &&
               sub != nullptr && val->is_object()) {
      const Json& object_schema = view.Resolve(*sub);
      std::vector<std::string> allowed;
      const Json* props = nullptr;
      // The object's own properties, or those of its non-null anyOf branch.
      if (const Json* any_of = SchemaView::AnyOf(object_schema)) {
        for (const auto& b : *any_of) {
          const Json& r = view.Resolve(b);
          if (r.contains("properties")) props = &r["properties"];
        }
      } else if (object_schema.contains("properties")) {
        props = &object_schema["properties"];
      }
      if (props == nullptr) continue;
      for (const auto& [k, unused] : props->items()) allowed.push_back(k);
      std::string allowed_list;
      for (const auto& a : allowed) allowed_list += (allowed_list.empty() ? "" : ", ") + a;
      for (const auto& [key, unused] : val->items()) {
        if (props->contains(key)) continue;
        std::string suggestion = SuggestField(key, allowed);
        std::string hint = suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?";
        add(PointerToFieldPath(JsonPointerChild(pointer_of(f.tokens), key)) + ": unknown field" +
            (hint.empty() ? " (allowed: " + allowed_list + ")" : hint));
      }
      structural.insert(f.tokens);
    }
  }
  for (const auto& f : found) {
    if (structural.count(f.tokens) > 0) continue;
    bool has_deeper = false;
    for (const auto& other : found) {
      if (IsPrefix(f.tokens, other.tokens)) {
        has_deeper = true;
        break;
      }
    }
    if (has_deeper) continue;
    const Json* sub = nullptr;
    const Json* val = nullptr;
    locate(f.tokens, &sub, &val);
    std::string p = pointer_of(f.tokens);
    if (judged.count(p) > 0) continue;
    if (sub == nullptr) {
      add(PointerToFieldPath(p) + ": " + f.description);
      continue;
    }
    bool is_timestamp = inputs.timestamps != nullptr && inputs.timestamps->count(p) > 0;
    add(PointerToFieldPath(p) + ": " + RuleFor(*sub, *val, view, is_timestamp) + " (got " +
        DescribeValue(*val, p, inputs) + ")");
  }
  return messages;
}

}  // namespace recotem
