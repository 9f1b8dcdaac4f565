// Feature weightings of the item-KNN family (algorithms.md §4.5), applied to
// the users × items matrix with users as "documents" and items as "terms":
// NONE, TF_IDF (smoothed idf ln(N / (df + 1)), may be ≤ 0) and BM_25.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "recotem/core/csr_matrix.h"

namespace recotem {

enum class FeatureWeighting { kNone, kTfIdf, kBm25 };

inline constexpr double kDefaultBm25K1 = 1.2;
inline constexpr double kDefaultBm25B = 0.75;

// "NONE", "TF_IDF", "BM_25".
const char* FeatureWeightingName(FeatureWeighting weighting);
std::optional<FeatureWeighting> ParseFeatureWeighting(std::string_view name);

// The weighted value of every stored entry of `x` (same order as
// x.values), in double precision.
std::vector<double> WeightedValues(const CsrMatrix& x, FeatureWeighting weighting,
                                   double bm25_k1 = kDefaultBm25K1, double bm25_b = kDefaultBm25B);

}  // namespace recotem
