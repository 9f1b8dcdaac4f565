#include "recotem/algo/feature_weighting.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_matrices.h"

namespace recotem {
namespace {

// 3 users × 2 items: item 0 in every row (df 3), item 1 in row 0 only.
CsrMatrix Example() { return testing::FromDense({{1, 2}, {1, 0}, {3, 0}}); }

TEST(FeatureWeighting, NoneKeepsTheValues) {
  EXPECT_EQ(WeightedValues(Example(), FeatureWeighting::kNone), (std::vector<double>{1, 2, 1, 3}));
}

TEST(FeatureWeighting, TfIdfUsesSmoothedIdfThatCanBeNegative) {
  std::vector<double> w = WeightedValues(Example(), FeatureWeighting::kTfIdf);
  const double idf0 = std::log(3.0 / 4.0), idf1 = std::log(3.0 / 2.0);
  EXPECT_DOUBLE_EQ(w[0], 1 * idf0);
  EXPECT_DOUBLE_EQ(w[1], 2 * idf1);
  EXPECT_DOUBLE_EQ(w[3], 3 * idf0);
  EXPECT_LT(w[0], 0.0);
}

TEST(FeatureWeighting, Bm25FollowsTheSpecFormula) {
  std::vector<double> w = WeightedValues(Example(), FeatureWeighting::kBm25, 1.2, 0.75);
  const double k1 = 1.2, b = 0.75, avgdl = (3.0 + 1.0 + 3.0) / 3.0;
  auto bm25 = [&](double tf, double df, double dl) {
    const double idf = std::log(3.0 / (df + 1.0) + 1.0);
    return idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * dl / avgdl));
  };
  EXPECT_DOUBLE_EQ(w[0], bm25(1, 3, 3));
  EXPECT_DOUBLE_EQ(w[1], bm25(2, 1, 3));
  EXPECT_DOUBLE_EQ(w[2], bm25(1, 3, 1));
  EXPECT_DOUBLE_EQ(w[3], bm25(3, 3, 3));
}

TEST(FeatureWeighting, NamesRoundTrip) {
  for (FeatureWeighting w :
       {FeatureWeighting::kNone, FeatureWeighting::kTfIdf, FeatureWeighting::kBm25}) {
    EXPECT_EQ(ParseFeatureWeighting(FeatureWeightingName(w)), w);
  }
  EXPECT_EQ(ParseFeatureWeighting("tfidf"), std::nullopt);
}

}  // namespace
}  // namespace recotem
