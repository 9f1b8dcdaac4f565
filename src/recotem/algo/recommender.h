// Recommender: the one interface every algorithm implements (fit on a
// users × items CSR matrix, score known users, score ad-hoc item profiles,
// save/load through a TensorMap). Algorithms are interchangeable behind it;
// the AlgorithmRegistry (algorithm_registry.h) creates them by class name.
//
// Thread-safety: after Fit()/Load() returns, the const scoring methods may be
// called concurrently from many threads; each call runs on its caller's
// thread (callers parallelise over users). Fit() may use several threads.
//
// Early stopping (training.md §10.4): iterative learners (IALS, BPRFM) run
// epoch by epoch under FitWithOptions(); the callback may score the model
// between epochs, keep a snapshot through Save() and stop the loop. Their
// params()["train_epochs"] is the number of epochs actually trained, so a
// snapshot restored with Load() reports the epoch it was taken at.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "recotem/algo/factor_scoring.h"
#include "recotem/algo/tensor_map.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

// Hyperparameters by name: numbers, strings or booleans.
using HyperParams = nlohmann::json;

enum class EpochVerdict { kContinue, kStop };

class ProductCache;  // sparse_product.h

struct FitOptions {
  // Epochs an iterative learner runs at most; 0 means its `train_epochs`
  // hyperparameter. Ignored by closed-form learners.
  int max_epochs = 0;
  // Called after every on_epoch_every-th epoch of an iterative learner with
  // the number of epochs completed so far (1-based). The model may be scored
  // (and saved) during the call. Returning kStop ends training after that
  // epoch.
  std::function<EpochVerdict(int epochs_done)> on_epoch;
  int on_epoch_every = 1;
  // When a stop is requested, Fit stops at the next epoch or work-block
  // boundary and throws FitCancelled; the model is then unusable.
  std::stop_token stop;
  // Threads for the fit; 0 means DefaultThreadCount() (parallel_for.h).
  int n_threads = 0;
  // Sparse products kept between fits on the same user_items (a search's
  // trials); neighbourhood learners read and fill it. Null: none.
  ProductCache* product_cache = nullptr;
};

// Whether an iterative learner calls options.on_epoch after `epochs_done`
// epochs.
inline bool CallsOnEpoch(const FitOptions& options, int epochs_done) {
  return options.on_epoch && epochs_done % std::max(options.on_epoch_every, 1) == 0;
}

// Thrown by FitWithOptions() when FitOptions::stop was requested.
class FitCancelled : public std::runtime_error {
 public:
  FitCancelled() : std::runtime_error("training was cancelled") {}
};

// Recommender::ScoreUsers calls up to this many users score each user
// exactly as a call of that user alone.
inline constexpr size_t kExactScoreBatchUsers = 32;

class Recommender {
 public:
  virtual ~Recommender() = default;

  // Canonical class name, e.g. "TopPopRecommender" (artifact `best_class`).
  virtual const char* class_name() const = 0;
  // The effective hyperparameters (artifact `best_params`).
  virtual HyperParams params() const = 0;

  // Trains on `user_items` (users × items). May be called once.
  virtual void Fit(const CsrMatrix& user_items) = 0;

  // Fit() with epoch callbacks, cancellation and a thread count. The
  // default (closed-form learners) checks `stop` once and calls Fit().
  virtual void FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) {
    if (options.stop.stop_requested()) throw FitCancelled();
    Fit(user_items);
  }
  // True for learners that train epoch by epoch (IALS, BPRFM) and therefore
  // call FitOptions::on_epoch.
  virtual bool is_iterative() const { return false; }

  virtual int32_t n_items() const = 0;

  // Scores the known users `users` (row indices of the training matrix).
  // `interactions` is the training matrix (or the seen-items matrix saved in
  // the artifact); models that score from a user's history read its rows.
  // Writes users.size() × n_items() floats, row-major, into `out`. Items are
  // not masked here: callers set seen items to −∞. A call of at most
  // kExactScoreBatchUsers users gives every user the bit-identical scores it
  // gets alone (serve batches concurrent requests); larger calls (the
  // evaluator's blocks) may round differently in the last bit.
  virtual void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                          std::span<float> out) const = 0;

  // The factors of a factor model (IALS, TruncatedSVD, BPRFM), for scorers
  // that lay them out their own way (serve's ItemPanels); nullopt for the
  // other models. Valid while the model lives and is not refitted.
  virtual std::optional<FactorModelView> factor_view() const { return std::nullopt; }

  // Scores each row of `profiles` (profiles.n_rows × n_items, row-major) as
  // a new user with that history (fold-in / related items).
  virtual void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const = 0;

  // Writes the model's arrays under names of its own choosing.
  virtual void Save(TensorMap& out) const = 0;
  // Restores from Save()'s arrays for a catalogue of `n_items` items. Throws
  // std::invalid_argument on a missing tensor or a wrong dtype/shape.
  virtual void Load(const TensorMap& in, int32_t n_items) = 0;
};

}  // namespace recotem
