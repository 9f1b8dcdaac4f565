// ScoreUserFactors: the scoring step every factor model shares (IALS,
// TruncatedSVD, BPRFM): out = U[users] · Vᵀ (+ item biases, BPRFM) for
// row-major user factors U (n_users × k) and item factors V (n_items × k).
// ItemPanels: the same scores for serving, from a copy of V laid out for it.
//
// Up to kExactScoreBatchUsers users (recommender.h) are scored through
// ItemPanels built for the call, so each user's scores are bit-identical
// whichever other users share it — and identical to what serve computes
// with its long-lived panels (Recommender::ScoreUsers' guarantee). More
// users (the evaluator's blocks) are one matrix product, which repacks V
// once for the whole block and may round the last bit differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "recotem/algo/aligned_vector.h"

namespace recotem {

struct FactorModelView {
  std::string_view name;  // prefixes the std::invalid_argument messages
  std::span<const float> user_factors;
  std::span<const float> item_factors;
  int32_t n_users = 0;
  int32_t n_items = 0;
  int64_t k = 0;
  std::span<const float> item_biases = {};  // n_items values added to every score, or empty
};

// Writes users.size() × n_items scores, row-major, into `out`. Throws
// std::invalid_argument for a buffer of the wrong size or an unknown user.
void ScoreUserFactors(const FactorModelView& model, std::span<const int32_t> users,
                      std::span<float> out);

// A loaded model's item factors laid out for serving: panels of 16 items,
// each k × 16 floats with the 16 items side by side (the last panel padded
// with zeros). A score is then one fused multiply-add chain over the k
// factors in order, vectorised across 16 items, with no horizontal sums:
// ML-100k (k = 64) 1.6 µs per user in batches of 8 (a row-major kernel
// with lane sums: 3.6 µs). The panels are scored in blocks that stay in L2
// for every user of the call, so a 50,000 × 128 V streams from memory once
// per call. Every score is computed the same way whichever users share the
// call, so a user's scores are bit-identical in any batch. Costs one more
// copy of V: serve builds it once per loaded artifact (ServingModel);
// ScoreUserFactors builds a short-lived one for small calls.
class ItemPanels {
 public:
  explicit ItemPanels(const FactorModelView& model);
  // Writes users.size() × n_items scores, row-major, into `out`; throws
  // std::invalid_argument like ScoreUserFactors. `model` must be the one
  // the panels were built from.
  void Score(const FactorModelView& model, std::span<const int32_t> users,
             std::span<float> out) const;
  size_t bytes() const { return panels_.size() * sizeof(float); }

 private:
  AlignedVector<float> panels_;
  int32_t n_items_ = 0;
  int64_t k_ = 0;
};

}  // namespace recotem
