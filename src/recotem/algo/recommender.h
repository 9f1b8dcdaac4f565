// Recommender: the one interface every algorithm implements (fit on a
// users × items CSR matrix, score known users, score ad-hoc item profiles,
// save/load through a TensorMap). Algorithms are interchangeable behind it;
// the AlgorithmRegistry (algorithm_registry.h) creates them by class name.
//
// Thread-safety: after Fit()/Load() returns, the const scoring methods may be
// called concurrently from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "recotem/algo/tensor_map.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

// Hyperparameters by name: numbers, strings or booleans.
using HyperParams = nlohmann::json;

class Recommender {
 public:
  virtual ~Recommender() = default;

  // Canonical class name, e.g. "TopPopRecommender" (artifact `best_class`).
  virtual const char* class_name() const = 0;
  // The effective hyperparameters (artifact `best_params`).
  virtual HyperParams params() const = 0;

  // Trains on `user_items` (users × items). May be called once.
  virtual void Fit(const CsrMatrix& user_items) = 0;

  virtual int32_t n_items() const = 0;

  // Scores the known users `users` (row indices of the training matrix).
  // `interactions` is the training matrix (or the seen-items matrix saved in
  // the artifact); models that score from a user's history read its rows.
  // Writes users.size() × n_items() floats, row-major, into `out`. Items are
  // not masked here: callers set seen items to −∞.
  virtual void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                          std::span<float> out) const = 0;

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
