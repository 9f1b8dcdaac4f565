// IALSRecommender: implicit alternating least squares with the iALS++ loss
// (algorithms.md §2). Float32 factors U (users × K) and V (items × K):
//   ½ Σ_obs c_ui (u·v_i − 1)² + ½ alpha0 Σ_all (u·v_i)² + ½ Σ λ_u‖u‖² + ½ Σ λ_i‖v_i‖²
// with λ_u = reg · (alpha0 · n_items + nnz_u)^nu (items symmetric). One epoch
// updates every user row against fixed V, then every item row against
// fixed U, rows in parallel, each by conjugate gradient (warm-started,
// max_cg_steps steps) or by an exact Cholesky solve. Because a row depends
// only on the other side's factors, training is deterministic for a seed
// whatever the thread count.
//
// Early stopping: FitWithOptions() calls on_epoch after every epoch; the
// model can be scored and saved there. params()["train_epochs"] is the
// number of epochs trained. New users (ScoreProfiles) are solved against
// fixed V by CG from zero with prediction_time_max_cg_steps steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recotem/algo/aligned_vector.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/search_space.h"

namespace recotem {

struct IALSParams {
  enum class Solver { kConjugateGradient, kCholesky };
  enum class Loss { kIalsPlusPlus, kOriginal };
  enum class Scaling { kNone, kLog };

  int64_t n_components = 20;
  double alpha0 = 0.0;  // the constructor default of the original (its config says 1.0)
  double reg = 1e-3;
  double nu = 1.0;
  Scaling confidence_scaling = Scaling::kNone;
  double epsilon = 1.0;
  double init_std = 0.1;
  Solver solver = Solver::kConjugateGradient;
  int64_t max_cg_steps = 3;  // 0 = K steps
  Loss loss = Loss::kIalsPlusPlus;
  std::optional<double> nu_star;
  int64_t random_seed = 42;
  int64_t train_epochs = 16;
  int64_t prediction_time_max_cg_steps = 5;
};

class IALSRecommender final : public Recommender {
 public:
  static constexpr const char* kClassName = "IALSRecommender";

  // Parameters: the IALSParams fields by their original names
  // (n_components, alpha0, reg, nu, confidence_scaling "none"|"log",
  // epsilon, init_std, solver_type "CG"|"CHOLESKY", max_cg_steps, loss_type
  // "IALSPP"|"ORIGINAL", nu_star, random_seed, train_epochs,
  // prediction_time_max_cg_steps). Throws std::invalid_argument otherwise.
  explicit IALSRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;
  void Fit(const CsrMatrix& user_items) override { FitWithOptions(user_items, FitOptions{}); }
  void FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) override;
  bool is_iterative() const override { return true; }
  int32_t n_items() const override { return n_items_; }
  void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                  std::span<float> out) const override;
  std::optional<FactorModelView> factor_view() const override;
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override;
  // Tensors: "hyperparameters", "user_factors" (F32 users × K),
  // "item_factors" (F32 items × K).
  void Save(TensorMap& out) const override;
  void Load(const TensorMap& in, int32_t n_items) override;

  const AlignedVector<float>& user_factors() const { return user_factors_; }
  const AlignedVector<float>& item_factors() const { return item_factors_; }

 private:
  void UpdateItemGram(int n_threads);

  IALSParams params_;
  int64_t epochs_trained_ = 0;
  int32_t n_users_ = 0;
  int32_t n_items_ = 0;
  AlignedVector<float> user_factors_;  // row-major n_users × K
  AlignedVector<float> item_factors_;  // row-major n_items × K
  AlignedVector<float> item_gram_;  // alpha0 · VᵀV, padded (IalsSide::gram), for ScoreProfiles
};

}  // namespace recotem
