// The artifact header JSON: encoded as train writes it (artifact.md §3.1,
// training.md §13.1: compact, keys in the spec's order, non-ASCII escaped as
// \uXXXX) and decoded as every reader reads it (§3.3: after the HMAC check,
// must be a JSON object, every key optional).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
// ArtifactError if a float is not finite, a string is not valid UTF-8, or the
// encoding exceeds 65536 bytes ("header_json length <N> exceeds maximum
// 65536").
std::string EncodeHeaderJson(const ArtifactHeader& header);

// Decodes verified header bytes (artifact.md §3.3): the JSON object with its
// keys in file order (a repeated key keeps its first position and its last
// value). The bare tokens NaN, Infinity and -Infinity that the original
// writer could emit are tolerated and read as null. Returns nullopt and sets
// `*detail` (e.g. "expected a JSON object, got array") when the text is not
// a JSON object. Never throws for bad input.
std::optional<nlohmann::ordered_json> DecodeHeaderJson(std::string_view header_json,
                                                       std::string* detail);

}  // namespace recotem
