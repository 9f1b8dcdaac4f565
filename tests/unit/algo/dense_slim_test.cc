#include "recotem/algo/dense_slim.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_matrices.h"

namespace recotem {
namespace {

TEST(DenseSLIM, WeightsSatisfyTheClosedFormOfEase) {
  // W = I − B·diag(1/diag(B)) with B = G⁻¹, so (G·W)[i][j] = G[i][j] for i ≠ j.
  CsrMatrix x = testing::ClusteredInteractions(50, 8, 2, 3);
  const double reg = 2.0;
  DenseSLIMRecommender model(HyperParams{{"reg", reg}});
  model.Fit(x);
  std::vector<std::vector<double>> g(8, std::vector<double>(8, 0.0));
  for (int32_t u = 0; u < x.n_rows; ++u) {
    for (int32_t a : x.RowIndices(u)) {
      for (int32_t b : x.RowIndices(u)) g[a][b] += 1.0;
    }
  }
  for (int i = 0; i < 8; ++i) g[i][i] += reg;
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(model.similarity().Weight(i, i), 0.0f);
    for (int j = 0; j < 8; ++j) {
      if (i == j) continue;
      double gw = 0;
      for (int m = 0; m < 8; ++m) gw += g[i][m] * model.similarity().Weight(m, j);
      EXPECT_NEAR(gw, g[i][j], 1e-3) << i << "," << j;
    }
  }
}

TEST(DenseSLIM, MoreRegularisationShrinksTheWeights) {
  CsrMatrix x = testing::ClusteredInteractions(50, 8, 2, 3);
  DenseSLIMRecommender weak(HyperParams{{"reg", 1.0}}), strong(HyperParams{{"reg", 1000.0}});
  weak.Fit(x);
  strong.Fit(x);
  double weak_sum = 0, strong_sum = 0;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      weak_sum += std::fabs(weak.similarity().Weight(i, j));
      strong_sum += std::fabs(strong.similarity().Weight(i, j));
    }
  }
  EXPECT_LT(strong_sum, weak_sum / 10);
}

TEST(DenseSLIM, SingularGramMatrixIsAnError) {
  CsrMatrix x = testing::FromDense({{1, 0}, {1, 0}});  // item 1 never consumed
  DenseSLIMRecommender model(HyperParams{{"reg", 0.0}});
  EXPECT_THROW(model.Fit(x), std::runtime_error);
}

}  // namespace
}  // namespace recotem
