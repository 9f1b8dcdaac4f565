// Validating a recipe block against its JSON Schema (recipe_schema.h), the
// way the original's pydantic models do in "lax" mode (recipe.md §1):
//   1. coercion, driven by the schema: an integer field accepts `true`,
//      `20.0` and "20"; a number field numeric strings; a boolean field
//      0/1 and yes/no/on/off/t/f/y/n strings; a string field only strings
//      (a YAML int, bool or date is rejected — quote it);
//   2. defaults from the schema filled in for absent fields (and absent
//      optional blocks such as `cleansing`, so their own defaults apply);
//   3. valijson runs the schema (types, ranges, patterns, required fields,
//      closed blocks);
//   4. each failure becomes one message "<field.path>: <rule> (got <value>)",
//      the rule worded from the schema itself. Values that came from an
//      environment variable are never echoed.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/recipe/env_expansion.h"

namespace recotem {

// Longest string checked against a `pattern` (std::regex recurses per
// character; recipe values are short, so longer ones are simply rejected).
inline constexpr size_t kMaxPatternCheckedLength = 4096;

struct ValidationInputs {
  const std::set<std::string>* timestamps = nullptr;  // pointers of YAML dates
  const ExpandedValues* expanded = nullptr;           // pointers of env-expanded strings
};

// Coerces and default-fills `value` in place, then validates it against
// `schema`, a schema whose `$ref`s point into `defs_root`'s "$defs".
// `pointer` is where `value` sits in the recipe (for messages). Returns one
// message per failing field ("training.cutoff: must be >= 1 (got 0)"),
// empty when valid.
std::vector<std::string> CoerceAndValidate(nlohmann::ordered_json& value,
                                           const std::string& pointer,
                                           const nlohmann::ordered_json& schema,
                                           const nlohmann::ordered_json& defs_root,
                                           const ValidationInputs& inputs);

// How a value is shown in messages: 1.5, 'abc', date 2026-04-01, or — for a
// value substituted from ${NAME} — "the value of ${NAME} (not shown)".
std::string DescribeValue(const nlohmann::ordered_json& value, const std::string& pointer,
                          const ValidationInputs& inputs);

}  // namespace recotem
