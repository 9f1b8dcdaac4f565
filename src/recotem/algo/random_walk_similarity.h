// RandomWalkSimilarity: the item × item transition weights of P3alpha and
// RP3beta (algorithms.md §5–6). With A[u,i] = X[u,i]^alpha (stored entries),
// P(u→i) = A[u,i] / Σ_i' A[u,i'] and P(i→u) = A[u,i] / Σ_u' A[u',i]:
//   W[j,i] = (Σ_u P(j→u) · P(u→i)) / pop_i^beta,   pop_i = Σ_u X[u,i]
// then only the top_k largest entries of every column i are kept (ties:
// lower row first), the diagonal stays, and with normalize_weight every row
// of W is divided by its sum. Computed column by column (Wᵀ row by row) with
// the sparse product kernel, in double.
#pragma once

#include <cstdint>

#include "recotem/algo/recommender.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

struct RandomWalkOptions {
  double alpha = 1.0;
  double beta = 0.0;  // 0 = P3alpha
  int64_t top_k = 0;  // ≤ 0 keeps every entry
  bool normalize_weight = false;
};

// W (n_items × n_items) for the users × items matrix `user_items`, on
// fit.n_threads, through fit.product_cache. Throws FitCancelled when
// fit.stop is requested.
CsrMatrix RandomWalkSimilarity(const CsrMatrix& user_items, const RandomWalkOptions& options,
                               const FitOptions& fit);

}  // namespace recotem
