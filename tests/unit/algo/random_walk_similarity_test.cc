#include "recotem/algo/random_walk_similarity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "test_matrices.h"

namespace recotem {
namespace {

// The spec's formula evaluated directly on a dense copy (algorithms.md §5).
std::vector<std::vector<double>> Reference(const std::vector<std::vector<float>>& x, double alpha,
                                           double beta, int top_k, bool normalize) {
  const size_t n_users = x.size(), n_items = x[0].size();
  std::vector<double> user_mass(n_users, 0), item_mass(n_items, 0), pop(n_items, 0);
  for (size_t u = 0; u < n_users; ++u) {
    for (size_t i = 0; i < n_items; ++i) {
      if (x[u][i] == 0) continue;
      user_mass[u] += std::pow(x[u][i], alpha);
      item_mass[i] += std::pow(x[u][i], alpha);
      pop[i] += x[u][i];
    }
  }
  std::vector<std::vector<double>> w(n_items, std::vector<double>(n_items, 0));
  for (size_t j = 0; j < n_items; ++j) {
    for (size_t i = 0; i < n_items; ++i) {
      for (size_t u = 0; u < n_users; ++u) {
        if (x[u][i] == 0 || x[u][j] == 0) continue;
        w[j][i] +=
            std::pow(x[u][j], alpha) / item_mass[j] * std::pow(x[u][i], alpha) / user_mass[u];
      }
      if (pop[i] > 0) w[j][i] /= std::pow(pop[i], beta);
    }
  }
  if (top_k > 0) {
    for (size_t i = 0; i < n_items; ++i) {
      std::vector<size_t> rows(n_items);
      std::iota(rows.begin(), rows.end(), 0);
      std::stable_sort(rows.begin(), rows.end(),
                       [&](size_t a, size_t b) { return w[a][i] > w[b][i]; });
      for (size_t r = static_cast<size_t>(top_k); r < n_items; ++r) w[rows[r]][i] = 0;
    }
  }
  if (normalize) {
    for (auto& row : w) {
      double sum = std::accumulate(row.begin(), row.end(), 0.0);
      if (sum > 0) {
        for (double& v : row) v /= sum;
      }
    }
  }
  return w;
}

const std::vector<std::vector<float>> kExample = {
    {1, 2, 0, 0}, {3, 0, 1, 1}, {1, 1, 1, 0}, {0, 2, 0, 1}, {0, 0, 4, 1}};

double Weight(const CsrMatrix& w, int32_t j, int32_t i) {
  auto cols = w.RowIndices(j);
  auto it = std::lower_bound(cols.begin(), cols.end(), i);
  return it != cols.end() && *it == i ? w.RowValues(j)[it - cols.begin()] : 0.0;
}

void ExpectMatches(double alpha, double beta, int top_k, bool normalize) {
  RandomWalkOptions options{alpha, beta, top_k, normalize};
  CsrMatrix w =
      RandomWalkSimilarity(testing::FromDense(kExample), options, testing::WithThreads(2));
  auto expected = Reference(kExample, alpha, beta, top_k, normalize);
  for (int32_t j = 0; j < 4; ++j) {
    for (int32_t i = 0; i < 4; ++i) {
      EXPECT_NEAR(Weight(w, j, i), expected[j][i], 1e-6)
          << "alpha=" << alpha << " beta=" << beta << " top_k=" << top_k << " (" << j << "," << i
          << ")";
    }
  }
}

TEST(RandomWalkSimilarity, MatchesTheSpecFormulaWithoutPruning) {
  ExpectMatches(1.0, 0.0, 0, false);
  ExpectMatches(1.0, 0.6, 0, false);
  ExpectMatches(2.0, 0.3, 0, false);
}

TEST(RandomWalkSimilarity, KeepsTheTopKOfEveryTargetColumn) {
  ExpectMatches(1.0, 0.6, 2, false);
  ExpectMatches(1.0, 0.6, 1, false);
}

TEST(RandomWalkSimilarity, NormalisesRowsAfterPruning) {
  ExpectMatches(1.0, 0.6, 2, true);
  ExpectMatches(1.0, 0.0, 0, true);
}

TEST(RandomWalkSimilarity, KeepsTheDiagonal) {
  CsrMatrix w = RandomWalkSimilarity(testing::FromDense(kExample), {}, testing::WithThreads(1));
  EXPECT_GT(Weight(w, 0, 0), 0.0);
}

}  // namespace
}  // namespace recotem
