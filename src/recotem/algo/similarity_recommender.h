// SimilarityRecommender: the base of every learner whose model is an item ×
// item weight matrix W (item KNN family, RP3beta, P3alpha, DenseSLIM).
// Scoring (known users and ad-hoc profiles alike) is X_u · W
// (item_similarity.h); persistence is W plus the hyperparameters. A
// concrete class supplies its parameters and how W is computed.
#pragma once

#include <cstdint>
#include <span>

#include "recotem/algo/item_similarity.h"
#include "recotem/algo/recommender.h"

namespace recotem {

class SimilarityRecommender : public Recommender {
 public:
  void Fit(const CsrMatrix& user_items) override { FitWithOptions(user_items, FitOptions{}); }
  void FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) override;
  int32_t n_items() const override { return similarity_.n_items(); }
  void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                  std::span<float> out) const override;
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override;
  // Tensors: "hyperparameters" and the "similarity." matrix.
  void Save(TensorMap& out) const override;
  void Load(const TensorMap& in, int32_t n_items) override;

  const ItemSimilarity& similarity() const { return similarity_; }

 protected:
  // Computes W from the users × items training matrix.
  virtual ItemSimilarity ComputeSimilarity(const CsrMatrix& user_items,
                                           const FitOptions& options) const = 0;
  // Replaces the parameters with `params` (as saved by params()); throws
  // std::invalid_argument like the constructor.
  virtual void SetParams(const HyperParams& params) = 0;

 private:
  ItemSimilarity similarity_;
};

}  // namespace recotem
