#include "recotem/algo/top_pop.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

TEST(TopPop, ScoresEveryUserWithTheColumnSums) {
  CsrMatrix x = testing::FromDense({{1, 0, 2}, {1, 0, 0}, {0, 0, 1}});
  TopPopRecommender model(HyperParams::object());
  model.Fit(x);
  std::vector<int32_t> users = {0, 2};
  std::vector<float> out(2 * 3);
  model.ScoreUsers(x, users, out);
  EXPECT_EQ(out, (std::vector<float>{2, 0, 3, 2, 0, 3}));
  std::vector<float> profile_scores(3);
  model.ScoreProfiles(testing::FromDense({{0, 1, 0}}), profile_scores);
  EXPECT_EQ(profile_scores, (std::vector<float>{2, 0, 3}));
}

TEST(TopPop, HasNoHyperparameters) {
  EXPECT_THROW(TopPopRecommender(HyperParams{{"top_k", 3}}), std::invalid_argument);
  EXPECT_TRUE(TopPopRecommender::SearchSpace().empty());
}

}  // namespace
}  // namespace recotem
