// One recipe YAML document → a JSON tree, with YAML 1.1 typing (yaml_scalar.h),
// merge keys (`<<`), duplicate keys resolved last-wins (recipe.md §1), and
// hard limits on size, depth and alias expansion so hostile bytes cannot
// exhaust memory or the stack.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem {

// Limits applied while parsing (not spec numbers: recipes are a few hundred
// bytes; these only stop abuse).
inline constexpr size_t kMaxYamlNodes = 100000;  // after alias expansion
inline constexpr size_t kMaxYamlDepth = 64;      // nested collections

struct YamlDocument {
  nlohmann::ordered_json root;
  // JSON pointers (RFC 6901) of values YAML typed as a date or date-time.
  // They are held in `root` as ISO-8601 strings but are not strings to the
  // validator (`name: 2026-04-01` is rejected like the original does).
  std::set<std::string> timestamps;
};

// Parses exactly one YAML document (none at all yields a null root) from
// valid UTF-8. Throws RecipeError (category parse) "<problem> (line N)" for a
// non-printable character (as PyYAML's reader), a syntax error, more
// than one document, an unknown tag or an unconstructible scalar, and
// RecipeError (category unknown) naming the path for a mapping key that is
// not a string (e.g. an unquoted `on:` is the boolean true).
YamlDocument ParseYamlDocument(std::string_view text);

}  // namespace recotem
