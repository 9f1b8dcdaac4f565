// Train/validation split of the cleansed interactions (training.md §8): the
// matrices the hyperparameter search trains and evaluates on.
//
// Three schemes, each deterministic for a given input and seed (the user and
// held-out shuffles use a seeded MT19937 with our own Fisher–Yates, never
// hash order or std::shuffle):
//   random       per validation user, a random floor(nnz·heldout_ratio) of its
//                (deduplicated) items is held out. With a time column present
//                this is the per-user time split (recipe.md quirk D1).
//   time_user    per validation user, its most recent floor(n·heldout_ratio)
//                rows (stable by time; ties keep source order) are held out.
//   time_global  rows at or after the (1 − heldout_ratio) time quantile are
//                "future"; validation users' future rows are held out.
// Unlike the original, time_global never drops a user through floating-point
// rounding of test_user_ratio: every user ends up in a row of `train`.
//
// Row order of the matrices follows the spec: training-only users first
// (offset = their count), then the validation users sorted by external id.
// Columns are the items sorted by external id, so ties in evaluation are
// broken the same way as in the final model (training.md §7).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recotem/core/csr_matrix.h"
#include "recotem/core/interactions.h"

namespace recotem::tune {

inline constexpr const char* kSplitRandom = "random";
inline constexpr const char* kSplitTimeUser = "time_user";
inline constexpr const char* kSplitTimeGlobal = "time_global";
// TrainingError subcode of every split failure (training.md §8).
inline constexpr const char* kCodeSplitError = "split_error";

struct SplitOptions {
  std::string scheme = kSplitRandom;
  double heldout_ratio = 0.1;    // 0 < r_h < 1
  double test_user_ratio = 1.0;  // 0 < r_u <= 1
  int64_t seed = 42;
};

struct TrainValidationSplit {
  // users × items: every training interaction, including the non-held-out
  // part of the validation users. Values are 1 per pair (random, time_user)
  // or the row count per pair (time_global).
  CsrMatrix train;
  // users × items, same shape as `train`: the held-out items of the
  // validation users; other rows are empty.
  CsrMatrix validation;
  // Row indices (in `train`) of the validation users, ascending; they are
  // the contiguous rows val_offset … val_offset + size − 1.
  std::vector<int32_t> validation_users;
  // Row of the first validation user: the `val_offset` of `split_done`.
  int64_t val_offset = 0;
  // row_users[r] = the Interactions user index of row r; column_items[c] =
  // the Interactions item index of column c.
  std::vector<int32_t> row_users;
  std::vector<int32_t> column_items;
};

// Splits `data` by `options.scheme`. Throws TrainingError (code
// "split_error") when the data cannot be split: unknown scheme, ratios out of
// range, a time scheme without time_ns, empty data, no future row
// (time_global), or an empty held-out set.
TrainValidationSplit SplitInteractions(const Interactions& data, const SplitOptions& options);

}  // namespace recotem::tune
