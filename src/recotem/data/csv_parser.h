// A CSV parser with pandas read_csv's default semantics for the parts a
// recipe can reach (datasources.md §3.2): a one-character delimiter (or a
// regular expression for longer ones), `"` quoting with doubled quotes and
// embedded newlines, blank lines skipped, the header at a 0-based row index,
// pandas' null tokens, and per-column kind inference.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "recotem/data/interaction_table.h"

namespace recotem {

struct CsvOptions {
  std::string delimiter = ",";
  int64_t header = 0;
  // Recipe `dtype` overrides by column (str keeps the text verbatim);
  // columns not in the file are ignored.
  std::map<std::string, ColumnKind> forced_kinds;
};

// Parses UTF-8 `text`. Throws std::runtime_error (with a row number) for a
// row with more fields than the header, an unterminated quote, a missing or
// duplicated header, or an invalid delimiter.
InteractionTable ParseCsv(std::string_view text, const CsvOptions& options);

// True for pandas' default missing-value tokens ("", "NA", "NaN", "null", …).
bool IsCsvNullToken(std::string_view cell);

}  // namespace recotem
