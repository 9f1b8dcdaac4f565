#include "recotem/algo/rp3beta.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recotem/algo/p3alpha.h"
#include "test_matrices.h"

namespace recotem {
namespace {

TEST(RP3beta, UsesTheRandomWalkWithItsParameters) {
  CsrMatrix x = testing::ClusteredInteractions(30, 12, 3, 4);
  RP3betaRecommender model(HyperParams{{"beta", 0.25}, {"top_k", 5}, {"normalize_weight", true}});
  model.Fit(x);
  CsrMatrix expected = RandomWalkSimilarity(x, {1.0, 0.25, 5, true}, testing::WithThreads(1));
  for (int32_t j = 0; j < 12; ++j) {
    auto cols = expected.RowIndices(j);
    auto vals = expected.RowValues(j);
    for (size_t k = 0; k < cols.size(); ++k) {
      EXPECT_EQ(model.similarity().Weight(j, cols[k]), vals[k]);
    }
  }
  EXPECT_EQ(model.similarity().nnz(), expected.nnz());
}

TEST(RP3beta, DefaultsMatchTheSpec) {
  HyperParams p = RP3betaRecommender(HyperParams::object()).params();
  EXPECT_EQ(p["alpha"], 1.0);
  EXPECT_EQ(p["beta"], 0.6);
  EXPECT_TRUE(p["top_k"].is_null());
  EXPECT_EQ(p["normalize_weight"], false);
  EXPECT_EQ(RP3betaRecommender(p).params(), p);
  EXPECT_THROW(RP3betaRecommender(HyperParams{{"top_k", 0}}), std::invalid_argument);
}

TEST(P3alpha, IsRP3betaWithoutThePopularityPenalty) {
  CsrMatrix x = testing::ClusteredInteractions(30, 12, 3, 4);
  P3alphaRecommender p3(HyperParams{{"top_k", 6}});
  RP3betaRecommender rp3(HyperParams{{"top_k", 6}, {"beta", 0.0}});
  p3.Fit(x);
  rp3.Fit(x);
  for (int32_t j = 0; j < 12; ++j) {
    for (int32_t i = 0; i < 12; ++i) {
      EXPECT_EQ(p3.similarity().Weight(j, i), rp3.similarity().Weight(j, i));
    }
  }
  EXPECT_THROW(P3alphaRecommender(HyperParams{{"beta", 0.5}}), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
