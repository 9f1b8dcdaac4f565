// Small interaction matrices for the algorithm tests, built by code.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "recotem/algo/recommender.h"
#include "recotem/core/csr_matrix.h"

namespace recotem::testing {

// A CSR matrix with a stored entry for every non-zero of `rows`.
inline CsrMatrix FromDense(const std::vector<std::vector<float>>& rows) {
  std::vector<int32_t> r, c;
  std::vector<float> v;
  for (size_t u = 0; u < rows.size(); ++u) {
    for (size_t i = 0; i < rows[u].size(); ++i) {
      if (rows[u][i] == 0.0f) continue;
      r.push_back(static_cast<int32_t>(u));
      c.push_back(static_cast<int32_t>(i));
      v.push_back(rows[u][i]);
    }
  }
  return CsrMatrix::FromTriplets(static_cast<int32_t>(rows.size()),
                                 static_cast<int32_t>(rows.empty() ? 0 : rows[0].size()), r, c, v);
}

// Users in `n_groups` taste groups; each user consumes `per_user` distinct
// items, mostly (80 %) from its group's block of items. Values are 1.
inline CsrMatrix ClusteredInteractions(int32_t n_users, int32_t n_items, int32_t n_groups,
                                       int32_t per_user, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<std::vector<float>> rows(n_users, std::vector<float>(n_items, 0.0f));
  const int32_t block = n_items / n_groups;
  for (int32_t u = 0; u < n_users; ++u) {
    const int32_t group = u % n_groups;
    int32_t placed = 0;
    while (placed < per_user) {
      int32_t item = (rng() % 5 != 0) ? group * block + static_cast<int32_t>(rng() % block)
                                      : static_cast<int32_t>(rng() % n_items);
      if (rows[u][item] != 0.0f) continue;
      rows[u][item] = 1.0f;
      ++placed;
    }
  }
  return FromDense(rows);
}

// Fit options with only the thread count set.
inline FitOptions WithThreads(int n_threads) {
  FitOptions options;
  options.n_threads = n_threads;
  return options;
}

}  // namespace recotem::testing
