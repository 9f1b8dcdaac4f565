#include "recotem/algo/asymmetric_cosine_knn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

CsrMatrix Example() { return testing::FromDense({{1, 1, 0}, {1, 0, 1}, {1, 1, 1}, {0, 1, 0}}); }

TEST(AsymmetricCosineKNN, AlphaWeighsTheConsumedAndCandidateNorms) {
  // alpha = 1: denominator = Σ_u X[u,i]² of the consumed item (|U_0| = 3).
  AsymmetricCosineKNNRecommender model(HyperParams{{"alpha", 1.0}});
  model.Fit(Example());
  EXPECT_FLOAT_EQ(model.similarity().Weight(0, 2), static_cast<float>(2.0 / (3.0 + 1e-6)));
  // Consumed item 2 (|U_2| = 2) towards candidate 0.
  EXPECT_FLOAT_EQ(model.similarity().Weight(2, 0), static_cast<float>(2.0 / (2.0 + 1e-6)));
  AsymmetricCosineKNNRecommender half(HyperParams{{"alpha", 0.5}, {"shrinkage", 2.0}});
  half.Fit(Example());
  EXPECT_FLOAT_EQ(half.similarity().Weight(0, 2),
                  static_cast<float>(2.0 / (std::sqrt(2.0) * std::sqrt(3.0) + 2.0 + 1e-6)));
}

TEST(AsymmetricCosineKNN, RejectsAlphaOutsideUnitInterval) {
  EXPECT_THROW(AsymmetricCosineKNNRecommender(HyperParams{{"alpha", 1.5}}), std::invalid_argument);
  EXPECT_THROW(AsymmetricCosineKNNRecommender(HyperParams{{"normalize", true}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace recotem
