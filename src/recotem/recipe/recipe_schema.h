// The recipe's JSON Schema — the single source of truth for every field's
// type, default, range and pattern (recipe.md §2–§10, shape of §17). The
// loader validates with it (schema_validation.h fills its defaults and runs
// valijson against it) and `recotem schema` prints it, so an editor pointed
// at the printed schema flags the same field errors `recotem validate` does.
// Rules a schema cannot express (a time split needs a time column,
// per_algorithm_trials keys must name listed algorithms, path policy,
// env-var expansion) live in the loader and are named in the descriptions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace recotem {

// The built-in schema: the Recipe root and every $defs entry, including the
// built-in source configs (CSVConfig, ParquetConfig, BigQueryConfig,
// SQLConfig). `properties.source` has no `oneOf` yet: RecipeJsonSchema adds
// it from the source-type registry. Parsed once; never changes.
const nlohmann::ordered_json& BuiltinRecipeSchema();

// The complete schema as `recotem schema` prints it: BuiltinRecipeSchema with
// `source` turned into a discriminated union (oneOf + discriminator) over
// every type in SourceTypeRegistry::Default(), plugins included.
nlohmann::ordered_json RecipeJsonSchema();

}  // namespace recotem
