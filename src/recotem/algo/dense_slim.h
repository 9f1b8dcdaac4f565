// DenseSLIMRecommender = EASE^R (algorithms.md §7): the closed-form linear
// item-item model
//   G = XᵀX + reg·I (dense n_items × n_items, float32),  B = G⁻¹,
//   W[i,j] = −B[i,j] / B[j,j] (i ≠ j),  W[j,j] = 0,  score = X_u · W.
// XᵀX is accumulated from the sparse rows (X is never densified); the
// inverse goes through OpenBLAS's Cholesky (spotrf + spotri). Memory is
// O(n_items²), time O(n_items³).
#pragma once

#include <string>
#include <vector>

#include "recotem/algo/search_space.h"
#include "recotem/algo/similarity_recommender.h"

namespace recotem {

inline constexpr double kDenseSlimDefaultReg = 1.0;

class DenseSLIMRecommender final : public SimilarityRecommender {
 public:
  static constexpr const char* kClassName = "DenseSLIMRecommender";

  // Parameters: reg (1, ≥ 0).
  explicit DenseSLIMRecommender(const HyperParams& params);

  static recotem::SearchSpace SearchSpace();
  static std::vector<std::string> ParameterNames();

  const char* class_name() const override { return kClassName; }
  HyperParams params() const override;

 protected:
  // Throws std::runtime_error when G is not positive definite (the run
  // aborts, as in the original).
  ItemSimilarity ComputeSimilarity(const CsrMatrix& user_items,
                                   const FitOptions& options) const override;
  void SetParams(const HyperParams& params) override;

 private:
  double reg_ = kDenseSlimDefaultReg;
};

}  // namespace recotem
