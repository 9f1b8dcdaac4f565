// Cleansing (training.md §6, in its exact order): drop null ids, canonicalise
// ids to the original's str() form, parse the time column, dedup on
// (user, item), check the configured minimums; then id mapping (§7).
#pragma once

#include <cstdint>
#include <string>

#include "recotem/core/csr_matrix.h"
#include "recotem/core/interactions.h"
#include "recotem/data/interaction_table.h"
#include "recotem/recipe/recipe.h"

namespace recotem {

struct DataStats {
  int64_t n_rows = 0;
  int64_t n_users = 0;
  int64_t n_items = 0;
  int64_t drop_count = 0;
  std::string dedup_policy;
};

struct CleansedData {
  // Ids indexed in first-seen order of the cleansed rows (deterministic).
  Interactions interactions;
  DataStats stats;
};

// Throws DataSourceError when the user or item column is missing (exit 3, as
// the seeds say) or holds nulls with drop_null_ids false; TrainingError
// `time_unit_required` / `time_column_parse_error`; and TrainingError
// `min_data_violation` with the six counts as fields.
CleansedData Cleanse(const InteractionTable& table, const SchemaSpec& schema,
                     const CleansingSpec& cleansing);

// The final model's matrix (§7): users and items sorted ascending by id
// (byte order), cell = number of cleansed rows with that pair.
struct FinalTrainingData {
  IdMap users;
  IdMap items;
  CsrMatrix matrix;
};
FinalTrainingData BuildFinalTrainingData(const Interactions& interactions);

}  // namespace recotem
