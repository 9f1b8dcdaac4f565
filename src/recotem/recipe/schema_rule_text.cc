#include "recotem/recipe/schema_rule_text.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <regex>
#include <vector>

#include "recotem/core/strings.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;

// Unknown keys this close to an allowed name get a "did you mean" hint.
constexpr size_t kMaxSuggestionDistance = 2;

std::string FormatNumber(const Json& n) {
  if (n.is_number_integer()) return std::to_string(n.get<int64_t>());
  double d = n.get<double>();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

std::string TypePhrase(const Json& schema, const SchemaView& view) {
  std::string type = SchemaView::TypeOf(schema);
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "a boolean";
  if (type == "null") return "null";
  if (type == "array") {
    auto items = schema.find("items");
    if (items != schema.end()) {
      std::string inner = SchemaView::TypeOf(view.Resolve(*items));
      if (inner == "string") return "a list of strings";
    }
    return "a list";
  }
  if (type == "object") {
    auto extra = schema.find("additionalProperties");
    if (extra != schema.end() && extra->is_object() && !schema.contains("properties")) {
      std::string inner = SchemaView::TypeOf(view.Resolve(*extra));
      if (inner == "string") return "a mapping of names to strings";
      if (inner == "integer") return "a mapping of names to integers";
      return "a mapping of names to strings, numbers or booleans";
    }
    return "a mapping";
  }
  if (const Json* any_of = SchemaView::AnyOf(schema)) {
    std::string out;
    std::vector<std::string> phrases;
    for (const auto& b : *any_of) phrases.push_back(TypePhrase(view.Resolve(b), view));
    for (size_t i = 0; i < phrases.size(); ++i) {
      if (i > 0) out += i + 1 == phrases.size() ? " or " : ", ";
      out += phrases[i];
    }
    return out;
  }
  return "a value";
}

// "^(a|b|c)$" → {a, b, c}; anything else → empty.
std::vector<std::string> EnumFromPattern(const std::string& pattern) {
  if (pattern.size() < 4 || pattern.rfind("^(", 0) != 0 ||
      pattern.substr(pattern.size() - 2) != ")$") {
    return {};
  }
  std::string body = pattern.substr(2, pattern.size() - 4);
  if (body.find_first_of("()[]{}*+?.\\^$") != std::string::npos) return {};
  return Split(body, '|');
}

std::string RangePhrase(const Json& schema) {
  std::vector<std::string> parts;
  if (auto it = schema.find("minimum"); it != schema.end())
    parts.push_back(">= " + FormatNumber(*it));
  if (auto it = schema.find("exclusiveMinimum"); it != schema.end() && it->is_number()) {
    parts.push_back("> " + FormatNumber(*it));
  }
  if (auto it = schema.find("maximum"); it != schema.end())
    parts.push_back("<= " + FormatNumber(*it));
  if (auto it = schema.find("exclusiveMaximum"); it != schema.end() && it->is_number()) {
    parts.push_back("< " + FormatNumber(*it));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : "") + parts[i];
  return out;
}

bool SatisfiesRange(const Json& schema, double v) {
  auto bound = [&](const char* key) -> std::optional<double> {
    auto it = schema.find(key);
    if (it == schema.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  };
  if (auto b = bound("minimum"); b && !(v >= *b)) return false;
  if (auto b = bound("exclusiveMinimum"); b && !(v > *b)) return false;
  if (auto b = bound("maximum"); b && !(v <= *b)) return false;
  if (auto b = bound("exclusiveMaximum"); b && !(v < *b)) return false;
  return true;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The constraints of `schema` besides its type, e.g. "> 0 and < 1" or
// "one of: a, b". With `value` (of the right type), only those it breaks.
std::string ConstraintPhrase(const Json& schema, const Json* value) {
  std::vector<std::string> parts;
  if (auto c = schema.find("const"); c != schema.end() && (!value || *value != *c)) {
    parts.push_back(c->is_string() ? "'" + c->get<std::string>() + "'" : c->dump());
  }
  std::string range = RangePhrase(schema);
  if (!range.empty() &&
      (!value || !value->is_number() || !SatisfiesRange(schema, value->get<double>()))) {
    parts.push_back(range);
  }
  if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
    std::string pattern = p->get<std::string>();
    bool broken = true;
    if (value != nullptr && value->is_string()) {
      try {
        broken = !std::regex_search(value->get_ref<const std::string&>(), std::regex(pattern));
      } catch (const std::regex_error&) {
      }
    }
    std::vector<std::string> options = EnumFromPattern(pattern);
    if (broken && !options.empty()) {
      std::string list;
      for (size_t i = 0; i < options.size(); ++i) list += (i ? ", " : "") + options[i];
      parts.push_back("one of: " + list);
    } else if (broken && pattern == "\\S") {
      parts.push_back("non-blank (not empty or whitespace-only)");
    } else if (broken) {
      parts.push_back("matching " + pattern);
    }
  }
  if (auto m = schema.find("minLength"); m != schema.end() && m->is_number_integer()) {
    size_t n = m->get<size_t>();
    if (!value || !value->is_string() || CodePoints(value->get<std::string>()) < n) {
      parts.push_back(n == 1 ? "non-empty" : "at least " + std::to_string(n) + " characters long");
    }
  }
  if (auto m = schema.find("minItems"); m != schema.end() && m->is_number_integer()) {
    size_t n = m->get<size_t>();
    if (!value || !value->is_array() || value->size() < n) {
      parts.push_back("with at least " + std::to_string(n) + (n == 1 ? " entry" : " entries"));
    }
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  if (out.empty() && value != nullptr) return ConstraintPhrase(schema, nullptr);
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string RuleFor(const Json& raw_schema, const Json& value, const SchemaView& view,
                    bool value_is_timestamp) {
  const Json& schema = view.Resolve(raw_schema);
  bool nullable = false;
  const Json* main = &schema;
  if (const Json* any_of = SchemaView::AnyOf(schema)) {
    std::vector<const Json*> non_null;
    for (const auto& b : *any_of) {
      const Json& r = view.Resolve(b);
      if (SchemaView::TypeOf(r) == "null") {
        nullable = true;
      } else {
        non_null.push_back(&r);
      }
    }
    if (non_null.size() == 1) {
      main = non_null[0];
    } else {
      return "must be " + TypePhrase(schema, view);
    }
  }
  std::string type = SchemaView::TypeOf(*main);
  bool type_ok = !value_is_timestamp && JsonMatchesType(value, type) && !value.is_null();
  std::string constraint = ConstraintPhrase(*main, type_ok ? &value : nullptr);
  if (type_ok && !constraint.empty()) {
    if (constraint.rfind("with ", 0) == 0) return "must have " + constraint.substr(5);
    if (constraint.rfind("matching ", 0) == 0) return "must match " + constraint.substr(9);
    return "must be " + constraint;
  }
  std::string phrase = "must be " + TypePhrase(*main, view);
  if (!constraint.empty()) {
    bool plain = constraint[0] == '>' || constraint[0] == '<' || constraint.rfind("with", 0) == 0;
    phrase += plain ? " " + constraint : " (" + constraint + ")";
  }
  if (nullable) phrase += " or null";
  if (type == "string" && (value.is_number() || value.is_boolean() || value_is_timestamp)) {
    phrase += "; quote the value";
  }
  return phrase;
}

std::string SuggestField(const std::string& key, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed) {
    if (EditDistance(key, a) <= kMaxSuggestionDistance) return a;
  }
  return "";
}

}  // namespace recotem
