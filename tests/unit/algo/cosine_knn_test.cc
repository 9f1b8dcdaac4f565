#include "recotem/algo/cosine_knn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

// Items 0, 1, 2 consumed by users {0,1,2}, {0,2,3}, {1,2}.
CsrMatrix Example() { return testing::FromDense({{1, 1, 0}, {1, 0, 1}, {1, 1, 1}, {0, 1, 0}}); }

TEST(CosineKNN, WithoutNormalisationTheWeightIsTheCoOccurrenceCount) {
  CosineKNNRecommender model(HyperParams{{"shrinkage", 500.0}});  // no effect without normalize
  model.Fit(Example());
  const ItemSimilarity& w = model.similarity();
  EXPECT_EQ(w.Weight(0, 1), 2.0f);
  EXPECT_EQ(w.Weight(0, 2), 2.0f);
  EXPECT_EQ(w.Weight(1, 2), 1.0f);
  EXPECT_EQ(w.Weight(1, 1), 0.0f);  // diagonal zeroed
}

TEST(CosineKNN, NormalisedWeightIsTheShrunkCosine) {
  CosineKNNRecommender model(HyperParams{{"normalize", true}, {"shrinkage", 1.0}});
  model.Fit(Example());
  const ItemSimilarity& w = model.similarity();
  EXPECT_FLOAT_EQ(w.Weight(0, 1), static_cast<float>(2.0 / (3.0 + 1.0 + 1e-6)));
  EXPECT_FLOAT_EQ(w.Weight(0, 2),
                  static_cast<float>(2.0 / (std::sqrt(2.0) * std::sqrt(3.0) + 1.0 + 1e-6)));
}

TEST(CosineKNN, TopKCountsTheDiagonalAndBreaksTiesByLowerItem) {
  CosineKNNRecommender model(HyperParams{{"top_k", 1}});
  model.Fit(Example());
  const ItemSimilarity& w = model.similarity();
  // Item 0's best neighbour is itself (3), which is then zeroed.
  EXPECT_EQ(w.Weight(0, 1), 0.0f);
  EXPECT_EQ(w.Weight(0, 2), 0.0f);
  // Item 2: itself and item 0 tie at 2; item 0 (lower index) is kept.
  EXPECT_EQ(w.Weight(2, 0), 2.0f);
  EXPECT_EQ(w.Weight(2, 1), 0.0f);
}

TEST(CosineKNN, ScoresSumTheNeighboursOfConsumedItems) {
  CosineKNNRecommender model(HyperParams::object());
  model.Fit(Example());
  std::vector<float> out(3);
  std::vector<int32_t> user = {3};  // consumed item 1 only
  model.ScoreUsers(Example(), user, out);
  EXPECT_EQ(out, (std::vector<float>{2, 0, 1}));
  CsrMatrix profile = testing::FromDense({{0, 1, 0}});
  std::vector<float> from_profile(3);
  model.ScoreProfiles(profile, from_profile);
  EXPECT_EQ(from_profile, out);
}

TEST(CosineKNN, FeatureWeightingChangesTheCandidateSide) {
  CosineKNNRecommender plain(HyperParams::object());
  CosineKNNRecommender tfidf(HyperParams{{"feature_weighting", "TF_IDF"}});
  plain.Fit(Example());
  tfidf.Fit(Example());
  // raw(0,2) = Σ_u X[u,0]·Xw[u,2] with idf_2 = ln(4 / 3).
  EXPECT_FLOAT_EQ(tfidf.similarity().Weight(0, 2), static_cast<float>(2.0 * std::log(4.0 / 3.0)));
  EXPECT_NE(plain.similarity().Weight(0, 2), tfidf.similarity().Weight(0, 2));
}

TEST(CosineKNN, RejectsBadParameters) {
  EXPECT_THROW(CosineKNNRecommender(HyperParams{{"top_k", 0}}), std::invalid_argument);
  EXPECT_THROW(CosineKNNRecommender(HyperParams{{"feature_weighting", "LOG"}}),
               std::invalid_argument);
  EXPECT_THROW(CosineKNNRecommender(HyperParams{{"alpha", 0.5}}), std::invalid_argument);
  EXPECT_THROW(CosineKNNRecommender(HyperParams{{"shrinkage", -1}}), std::invalid_argument);
}

TEST(CosineKNN, ReportsItsEffectiveParameters) {
  CosineKNNRecommender model(HyperParams{{"top_k", 7}, {"feature_weighting", "bm_25"}});
  HyperParams p = model.params();
  EXPECT_EQ(p["top_k"], 7);
  EXPECT_EQ(p["feature_weighting"], "BM_25");
  EXPECT_EQ(p["normalize"], false);
  EXPECT_EQ(CosineKNNRecommender(p).params(), p);
}

}  // namespace
}  // namespace recotem
