// Wording a failed schema rule for people: "must be > 0 and < 1", "must be
// one of: ndcg, map, recall, hit", "must be an integer >= 1 or null", all
// derived from the schema itself so the messages cannot drift from it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/recipe/schema_view.h"

namespace recotem {

// The rule `value` breaks under `schema` ("must be …"). When the value has
// the right type only the broken constraint is named; otherwise the type
// with its constraints. `value_is_timestamp` marks a YAML date (held as a
// string but not one).
std::string RuleFor(const nlohmann::ordered_json& schema, const nlohmann::ordered_json& value,
                    const SchemaView& view, bool value_is_timestamp);

// The first of `allowed` within a small edit distance of `key`, or "".
std::string SuggestField(const std::string& key, const std::vector<std::string>& allowed);

}  // namespace recotem
