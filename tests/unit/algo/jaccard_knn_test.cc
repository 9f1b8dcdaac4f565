#include "recotem/algo/jaccard_knn.h"

#include <gtest/gtest.h>

#include "test_matrices.h"

namespace recotem {
namespace {

TEST(JaccardKNN, WeightIsIntersectionOverUnionOfBinarisedColumns) {
  // Values other than 1 are binarised.
  CsrMatrix x = testing::FromDense({{5, 1, 0}, {1, 0, 1}, {2, 1, 1}, {0, 3, 0}});
  JaccardKNNRecommender model(HyperParams{{"shrinkage", 1.0}});
  model.Fit(x);
  // |U_0 ∩ U_1| = 2, |U_0| = |U_1| = 3.
  EXPECT_FLOAT_EQ(model.similarity().Weight(0, 1), static_cast<float>(2.0 / (4.0 + 1.0 + 1e-6)));
  // |U_1 ∩ U_2| = 1, |U_2| = 2.
  EXPECT_FLOAT_EQ(model.similarity().Weight(1, 2), static_cast<float>(1.0 / (4.0 + 1.0 + 1e-6)));
  EXPECT_EQ(model.similarity().Weight(2, 2), 0.0f);
}

TEST(JaccardKNN, AcceptsOnlyNeighbourhoodParameters) {
  EXPECT_THROW(JaccardKNNRecommender(HyperParams{{"feature_weighting", "TF_IDF"}}),
               std::invalid_argument);
  EXPECT_EQ(JaccardKNNRecommender(HyperParams{{"top_k", 3}}).params()["top_k"], 3);
}

}  // namespace
}  // namespace recotem
