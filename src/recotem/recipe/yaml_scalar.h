// YAML 1.1 scalar typing, as the original's safe loader (PyYAML safe_load)
// applies it (recipe.md §1). yaml-cpp parses YAML 1.2 syntax and hands every
// scalar over as text plus a tag; this file decides what that text *is*:
// `yes`/`off` are booleans, `012` is octal, `1:20` is sexagesimal 80, `1e3`
// is a string (an exponent needs a sign), `2026-04-01` is a date, `~` is null.
//
// The matchers are hand-written (no std::regex): they run on untrusted recipe
// bytes and must stay linear in the scalar's length.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace recotem {

enum class YamlScalarKind {
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kTimestamp,  // a date or date-time, held as its ISO-8601 text
  kMerge,      // the `<<` merge key
};

struct YamlScalar {
  YamlScalarKind kind = YamlScalarKind::kString;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0.0;
  std::string text;        // kString: the string; kTimestamp: ISO-8601 form
  bool date_only = false;  // kTimestamp: a date without a time of day
};

// Thrown when a scalar resolves to a type whose construction fails (an
// integer beyond 64 bits, `2026-13-45`, an explicit `!!int abc`, an unknown
// tag). The message says what was wrong, without a line (the caller adds it).
class YamlScalarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Types a plain (unquoted, untagged) scalar by PyYAML's implicit resolvers:
// bool, float, int, merge, null, timestamp, value — first match wins.
YamlScalar ResolvePlainScalar(std::string_view text);

// Constructs a scalar carrying an explicit tag as yaml-cpp reports it
// ("tag:yaml.org,2002:int" for `!!int`, "!" for a quoted or block scalar).
// Only the safe loader's tags are known: str, int, float, bool, null,
// timestamp. Throws YamlScalarError for any other tag or a bad value.
YamlScalar ConstructTaggedScalar(std::string_view tag, std::string_view text);

}  // namespace recotem
