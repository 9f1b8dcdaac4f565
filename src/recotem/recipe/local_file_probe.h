// The cheap pre-flight `recotem validate` runs on a recipe's source
// (datasources.md §12) for the sources this build can reach without the data
// layer: a local CSV (the file opens and its header row, read with the
// recipe's delimiter, encoding and header index, names the schema's user,
// item and time columns) and a local Parquet file (it exists). Compressed
// CSVs are only checked for existence. Kept apart so it can be replaced by
// the data layer's DataSource::Probe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recotem/recipe/recipe.h"

namespace recotem {

// How many bytes of a CSV are read looking for the header row.
inline constexpr uint64_t kMaxProbeHeaderBytes = 8 * 1024 * 1024;

// Probes `recipe.source`. Returns true when a probe ran and passed, false
// when this source has no probe in this build (remote schemes, sql,
// bigquery, plugins). Throws DataSourceError (exit 3) naming the file and,
// for a missing column, the column and the schema field that names it.
bool ProbeLocalSource(const Recipe& recipe);

// The header row of CSV `text` (UTF-8): the `header`-th non-blank record,
// split on `delimiter` (one character, honouring "double quotes"; longer
// delimiters are regular expressions). Throws DataSourceError when there
// are not enough rows or the delimiter is an invalid expression.
std::vector<std::string> ReadCsvHeader(const std::string& text, const std::string& delimiter,
                                       int64_t header);

}  // namespace recotem
