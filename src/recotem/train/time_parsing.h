// Turning a time column into UTC instants (training.md §6 step 3): numeric
// columns are epoch offsets in the recipe's `time_unit`; text columns are
// ISO-8601-style date-times ("2026-04-01", "2026-04-01 12:30:00",
// "2026-04-01T12:30:00.123456+09:00", trailing "Z"), naive values taken as
// UTC. The format is fixed by the first non-null value, as pandas infers it;
// a later value in another format is an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/data/interaction_table.h"

namespace recotem {

// Nanoseconds since the epoch for every row (nulls → nullopt). Throws
// TrainingError `time_unit_required` for a numeric column without a unit and
// `time_column_parse_error` for any value that does not parse.
std::vector<std::optional<int64_t>> ParseTimeColumn(const Column& column,
                                                    const std::optional<std::string>& time_unit);

// Parses one ISO-8601-style date-time; nullopt when it does not parse.
std::optional<int64_t> ParseIsoDateTimeNs(std::string_view text);

}  // namespace recotem
