// TruncatedSVDRecommender (algorithms.md §9): a rank-k reconstruction of X
// from a randomized truncated SVD without centring, X ≈ U_k Σ_k V_kᵀ
// (Halko et al.: Gaussian test matrix seeded by random_seed, k + 10
// oversampling vectors, 5 power iterations orthonormalised by QR at every
// step). User embedding z_u = (U_k Σ_k)_u, score(u, ·) = z_u · V_kᵀ; a new
// user is projected, z = x · V_k. Only sparse × dense products touch X.
//
// n_components ≥ n_items is reduced to n_items − 1 (as in the original) and,
// where the original's behaviour is unknown, to at most n_users.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recotem/algo/aligned_vector.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/search_space.h"

namespace recotem {

inline constexpr int64_t kTruncatedSvdDefaultComponents = 4;
inline constexpr int64_t kTruncatedSvdOversamples = 10;
inline constexpr int64_t kTruncatedSvdPowerIterations = 5;

class TruncatedSVDRecommender final : public Recommender {
 public:
  static constexpr const char* kClassName = "TruncatedSVDRecommender";

  // Parameters: n_components (4, ≥ 1), random_seed (0).
  explicit TruncatedSVDRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;
  // Throws std::invalid_argument when the matrix has fewer than 2 items.
  void Fit(const CsrMatrix& user_items) override { FitWithOptions(user_items, FitOptions{}); }
  void FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) override;
  int32_t n_items() const override { return n_items_; }
  void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                  std::span<float> out) const override;
  std::optional<FactorModelView> factor_view() const override;
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override;
  // Tensors: "hyperparameters", "user_embeddings" (F32 users × k),
  // "item_components" (F32 items × k).
  void Save(TensorMap& out) const override;
  void Load(const TensorMap& in, int32_t n_items) override;

  // The rank actually used (after the caps above); 0 before Fit/Load.
  int64_t effective_components() const { return rank_; }

 private:
  int64_t n_components_ = kTruncatedSvdDefaultComponents;
  int64_t random_seed_ = 0;
  int64_t rank_ = 0;
  int32_t n_users_ = 0;
  int32_t n_items_ = 0;
  AlignedVector<float> user_embeddings_;  // row-major n_users × rank
  AlignedVector<float> item_components_;  // row-major n_items × rank (V_k)
};

}  // namespace recotem
