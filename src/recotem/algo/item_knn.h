// ItemKnnRecommender: the machinery the item-based KNN family shares
// (algorithms.md §4). With Xw the feature-weighted X:
//   raw(i, j) = Σ_u X[u,i] · Xw[u,j]      (i consumed, j candidate)
//   sim(i, j) = f(raw, Σ_u X[u,i]², Σ_u Xw[u,j]²)   per variant (SimilarityRow)
// then the top_k largest sim(i, ·) per consumed item i are kept (ties: lower
// item index), the diagonal is set to an explicit 0, and score(u, j) =
// Σ_{i∈S_u} X[u,i] · W[i,j]. All similarity arithmetic is in double.
// Variants: cosine_knn.h, asymmetric_cosine_knn.h, jaccard_knn.h,
// tversky_knn.h (binarised variants compare set sizes: the squared norms of
// a 0/1 column are its counts).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recotem/algo/feature_weighting.h"
#include "recotem/algo/hyper_params.h"
#include "recotem/algo/search_space.h"
#include "recotem/algo/similarity_recommender.h"

namespace recotem {

// Defaults and search ranges shared by the family (algorithms.md §4, §14).
inline constexpr int64_t kKnnDefaultTopK = 100;
inline constexpr double kKnnDefaultShrinkage = 0.0;
inline constexpr int64_t kKnnSearchTopKLow = 4;
inline constexpr int64_t kKnnSearchTopKHigh = 1000;
inline constexpr double kKnnSearchShrinkageLow = 0.0;
inline constexpr double kKnnSearchShrinkageHigh = 1000.0;
// Added to every similarity denominator.
inline constexpr double kKnnDenominatorEpsilon = 1e-6;

// The neighbourhood size and shrinkage every variant has.
struct KnnNeighbourhood {
  int64_t top_k = kKnnDefaultTopK;
  double shrinkage = kKnnDefaultShrinkage;

  static KnnNeighbourhood Read(ParamReader& reader);
  void Write(HyperParams& out) const;
};

// The feature weighting of the cosine variants.
struct KnnWeighting {
  FeatureWeighting weighting = FeatureWeighting::kNone;
  double bm25_k1 = kDefaultBm25K1;
  double bm25_b = kDefaultBm25B;

  static KnnWeighting Read(ParamReader& reader);
  void Write(HyperParams& out) const;
};

class ItemKnnRecommender : public SimilarityRecommender {
 protected:
  struct Settings {
    KnnNeighbourhood neighbourhood;
    KnnWeighting weighting;
    bool binarize = false;  // treat every stored entry as 1 on both sides
  };
  virtual Settings knn_settings() const = 0;
  // Rewrites raw(i, ·) into sim(i, ·) in place for one consumed item i:
  // values[t] holds raw(i, candidates[t]); consumed_sq_norm = Σ_u X[u,i]²,
  // candidate_sq_norms[j] = Σ_u Xw[u,j]² for every item j.
  virtual void SimilarityRow(double consumed_sq_norm, std::span<const int32_t> candidates,
                             const std::vector<double>& candidate_sq_norms,
                             std::span<double> values) const = 0;

 private:
  ItemSimilarity ComputeSimilarity(const CsrMatrix& user_items,
                                   const FitOptions& options) const final;
};

}  // namespace recotem
