// BPRFMRecommender (algorithms.md §10): matrix factorisation with item
// biases, score(u, i) = p_u · q_i + b_i (float32), trained by stochastic
// gradient steps with per-parameter Adagrad (learning rate 0.05, squared-
// gradient sums starting at 1, as LightFM) on either loss:
//   bpr   one uniformly drawn non-positive item j per observed (u, i),
//         minimising −ln σ(s_ui − s_uj);
//   warp  draw up to max_sampled items until one violates s_uj > s_ui − 1,
//         then step with weight ln⌊(n_items − 1) / draws⌋ (LightFM's WARP).
// L2 penalties user_alpha / item_alpha are added to every step's gradient.
// Embeddings start uniform in ±0.5 / n_components, biases at 0. One epoch
// visits every observed pair once in a freshly shuffled order. Training runs
// on one thread (LightFM's Hogwild threads race on shared rows), so a fit is
// reproducible bit for bit for a given random_seed.
//
// Written here instead of wrapping LightFM (a Python/Cython library); it has
// no cold-start path: ScoreProfiles throws, as in the original.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recotem/algo/aligned_vector.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/search_space.h"

namespace recotem {

struct BPRFMParams {
  enum class Loss { kBpr, kWarp };

  int64_t n_components = 128;
  double item_alpha = 1e-9;
  double user_alpha = 1e-9;
  Loss loss = Loss::kBpr;
  int64_t train_epochs = 128;
  double learning_rate = 0.05;
  int64_t max_sampled = 10;
  int64_t random_seed = 42;
};

class BPRFMRecommender final : public Recommender {
 public:
  static constexpr const char* kClassName = "BPRFMRecommender";

  // Parameters: the BPRFMParams fields by name (loss is "bpr" or "warp").
  explicit BPRFMRecommender(const HyperParams& params);

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
  // Always throws std::logic_error: the model has no fold-in.
  std::optional<FactorModelView> factor_view() const override;
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override;
  // Tensors: "hyperparameters", "user_embeddings" (F32 users × K),
  // "item_embeddings" (F32 items × K), "item_biases" (F32 items).
  void Save(TensorMap& out) const override;
  void Load(const TensorMap& in, int32_t n_items) override;

 private:
  BPRFMParams params_;
  int64_t epochs_trained_ = 0;
  int32_t n_users_ = 0;
  int32_t n_items_ = 0;
  AlignedVector<float> user_embeddings_;
  AlignedVector<float> item_embeddings_;
  std::vector<float> item_biases_;
};

}  // namespace recotem
