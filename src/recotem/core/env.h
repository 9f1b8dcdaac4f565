// Typed reads of RECOTEM_* environment variables with the spec's parsing
// rules (serving.md §13.1): truthy values, CSV lists, and clamped integers
// that warn with `env_var_unparseable` / `env_var_clamped`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace recotem::env {

// The variable that confines train's local outputs (recipe.md §12.5): checked
// when the recipe is loaded and again when the artifact is written.
inline constexpr const char* kArtifactRootEnv = "RECOTEM_ARTIFACT_ROOT";

// The raw value, or nullopt when unset.
std::optional<std::string> Get(const char* name);
// The value, or "" when unset.
std::string GetOr(const char* name, std::string_view fallback = "");
bool Truthy(const char* name);

// RECOTEM_ENV trimmed and lower-cased.
std::string RecotemEnv();
bool IsDevelopmentEnv();  // exactly "development"
bool IsDevOrTestEnv();    // development, dev or test

struct ClampedInt {
  const char* name;
  int64_t default_value;
  int64_t lo;
  int64_t hi;
};

// Unset/empty → default; unparseable → default + WARN env_var_unparseable;
// out of range → clamped + WARN env_var_clamped.
int64_t ReadClampedInt(const ClampedInt& spec);

}  // namespace recotem::env
