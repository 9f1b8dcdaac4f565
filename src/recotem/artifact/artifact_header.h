// The artifact header JSON written by train (artifact.md §3.1, training.md
// §13.1): compact, keys in the spec's order, non-ASCII escaped as \uXXXX.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem {

struct ArtifactHeader {
  std::string recipe_name;
  std::string recipe_hash;
  std::string recotem_version;
  std::string irspack_version;  // our engine version (kEngineVersion)
  std::string trained_at;       // YYYY-MM-DDTHH:MM:SSZ
  std::string best_class;
  nlohmann::ordered_json best_params = nlohmann::ordered_json::object();
  double best_score = 0.0;
  std::string metric;
  int64_t cutoff = 0;
  struct Tuning {
    std::vector<std::string> tried_algorithms;
    int64_t n_trials = 0;
    int64_t n_completed = 0;
    int64_t n_orphaned = 0;
    int64_t best_trial_number = 0;
    int64_t search_seed = 0;
  } tuning;
  struct DataStats {
    int64_t n_rows = 0;
    int64_t n_users = 0;
    int64_t n_items = 0;
    int64_t drop_count = 0;
    std::string dedup_policy;
  } data_stats;
};

// Encodes `header` as the exact bytes written into the container. Throws
// ArtifactError if a float is not finite.
std::string EncodeHeaderJson(const ArtifactHeader& header);

}  // namespace recotem
