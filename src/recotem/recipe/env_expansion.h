// `${NAME}` expansion in recipe strings (recipe.md §13, security.md §7.1):
// only RECOTEM_RECIPE_* names, never a blacklisted one, never inside a
// `query` / `query_parameters` subtree (any depth, any block) nor a source
// type's protected fields, one pass (substituted text is not re-scanned).
// Values come from `--env-var` overrides first, then the process
// environment. Errors name the variable, never its value.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem {

// The prefix every expandable name must start with (after upper-casing).
inline constexpr std::string_view kRecipeEnvPrefix = "RECOTEM_RECIPE_";

// True when the upper-cased `name` is on the blacklist: RECOTEM_SIGNING_KEYS,
// RECOTEM_API_KEYS, a cloud-credential prefix (AWS_, GCP_, …) or a secret
// substring (SECRET, PASSWORD, PASSWD, TOKEN, KEY, AUTH, BEARER, CRED,
// PRIVATE).
bool IsBlacklistedEnvName(std::string_view name);

// Throws RecipeError when `name` may not be referenced: blacklisted
// (category security) or not starting with RECOTEM_RECIPE_ (category
// unknown). `where` prefixes the message (a field path or "--env-var").
void CheckEnvVarName(std::string_view name, std::string_view where);

// Parses `--env-var KEY=VALUE` arguments (split at the first '=', value may
// be empty or contain '='; later duplicates win). Throws RecipeError (exit 2)
// for an argument without '=' or a KEY that CheckEnvVarName rejects — the
// seeds' rule, stricter than the original (recipe.md §13.4, D2).
std::map<std::string, std::string> ParseEnvVarArguments(const std::vector<std::string>& args);

// Where expansion substituted values: JSON pointer → the variable names
// referenced in that string. Messages about these values must not echo them.
using ExpandedValues = std::map<std::string, std::vector<std::string>>;

// Expands every string value of `root` in place (keys, numbers, booleans
// and the `timestamps` pointers are left alone). The source type is looked
// up first to learn its protected fields: an unknown `source.type` throws
// RecipeError (category schema) listing the known types. Any reference that
// is blacklisted, not allowed or unset throws RecipeError naming the field
// and the variable. An empty value is substituted with a
// `recipe_env_var_empty` warning.
ExpandedValues ExpandRecipeEnvironment(nlohmann::ordered_json& root,
                                       const std::set<std::string>& timestamps,
                                       const std::map<std::string, std::string>& extra_env);

}  // namespace recotem
