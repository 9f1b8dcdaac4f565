// Recipe: the typed, immutable form of one recipe YAML (recipe.md). Every
// block and field of the spec is here with its default. The `source` block
// is kept as validated JSON plus its `type`: each DataSource turns it into
// its own typed config (data/), so plugin types slot in without changing
// this struct.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem {

struct SourceSpec {
  std::string type;               // "csv", "parquet", "sql", "bigquery" or a plugin
  nlohmann::ordered_json config;  // the whole validated mapping, `type` included,
                                  // with every default filled in
};

struct SchemaSpec {
  std::string user_column;
  std::string item_column;
  std::optional<std::string> time_column;
  std::optional<std::string> time_unit;  // s | ms | us | ns
};

struct CleansingSpec {
  bool drop_null_ids = true;
  std::string dedup = "keep_last";  // keep_first | keep_last | none
  std::optional<int64_t> min_rows;
  std::optional<int64_t> min_users;
  std::optional<int64_t> min_items;
};

struct ItemMetadataSpec {
  std::string type;  // csv | parquet
  std::string path;
  std::optional<std::string> sha256;
  std::vector<std::string> fields;
  std::string on_field_missing = "error";  // error | null
  std::string item_id_column = "item_id";
};

struct SplitSpec {
  std::string scheme = "random";  // random | time_global | time_user
  double heldout_ratio = 0.1;
  double test_user_ratio = 1.0;
  int64_t seed = 42;
};

struct TrainingSpec {
  std::vector<std::string> algorithms;  // as written (names resolved at train time)
  std::string metric = "ndcg";          // ndcg | map | recall | hit
  int64_t cutoff = 20;
  int64_t n_trials = 40;
  std::optional<std::map<std::string, int64_t>> per_algorithm_trials;
  std::optional<int64_t> per_trial_timeout_seconds;
  std::optional<int64_t> timeout_seconds;
  int64_t parallelism = 1;
  std::string storage_path;
  SplitSpec split;
};

struct OutputSpec {
  std::string path;
  std::string versioning = "append_sha";  // append_sha | always_overwrite
};

struct Recipe {
  std::string name;
  SourceSpec source;
  SchemaSpec schema;
  CleansingSpec cleansing;
  std::optional<ItemMetadataSpec> item_metadata;
  TrainingSpec training;
  OutputSpec output;

  std::string file_path;  // where it was loaded from (for messages)
};

}  // namespace recotem
