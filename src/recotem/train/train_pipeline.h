// The `recotem train` pipeline (training.md §2–13): signing key → lock →
// fetch → cleanse → split → model selection → refit on all data → header →
// sign → write. Errors propagate as RecotemError; the CLI turns them into
// the single `train_error` event and the exit code (cli/train_command.cc),
// reading what was known at the moment of failure from TrainRunState.
#pragma once

#include <optional>
#include <string>

#include "recotem/recipe/recipe.h"

namespace recotem {

struct TrainOptions {
  std::string run_id;  // already validated
  bool no_lock = false;
  bool fail_on_busy = false;
  double lock_timeout_seconds = 0.0;
  bool quiet = false;
  bool verbose = false;
  bool dev_allow_unsigned = false;  // sign with the public dev key
};

// What a run has established so far; train_error reports these fields.
struct TrainRunState {
  std::optional<std::string> kid;
  std::optional<std::string> recipe_hash;
  std::optional<int64_t> n_rows;
  std::optional<int64_t> n_users;
  std::optional<int64_t> n_items;
};

struct TrainOutcome {
  bool skipped = false;  // lock contended without --fail-on-busy
  std::string artifact_path;
  std::optional<std::string> pointer_path;
  std::string best_class;
  double best_score = 0.0;
};

// Runs every step for `recipe`. Never touches the existing artifact unless
// the new one has been fully built and signed; writes are atomic.
TrainOutcome RunTrainPipeline(const Recipe& recipe, const TrainOptions& options,
                              TrainRunState* state);

}  // namespace recotem
