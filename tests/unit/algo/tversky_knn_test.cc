#include "recotem/algo/tversky_knn.h"

#include <gtest/gtest.h>

#include "test_matrices.h"

namespace recotem {
namespace {

TEST(TverskyIndexKNN, AlphaPenalisesTheConsumedAndBetaTheCandidateRemainder) {
  CsrMatrix x = testing::FromDense({{1, 1, 0}, {1, 0, 1}, {1, 1, 1}, {0, 1, 0}});
  TverskyIndexKNNRecommender model(HyperParams{{"alpha", 2.0}, {"beta", 0.0}});
  model.Fit(x);
  // Consumed 0 (|U_0| = 3), candidate 2 (|U_2| = 2), n∩ = 2: 2 / (2 + 2·1).
  EXPECT_FLOAT_EQ(model.similarity().Weight(0, 2), static_cast<float>(2.0 / (4.0 + 1e-6)));
  // Consumed 2, candidate 0: the consumed remainder is 0.
  EXPECT_FLOAT_EQ(model.similarity().Weight(2, 0), static_cast<float>(2.0 / (2.0 + 1e-6)));
}

TEST(TverskyIndexKNN, RejectsNegativeWeights) {
  EXPECT_THROW(TverskyIndexKNNRecommender(HyperParams{{"beta", -0.1}}), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
