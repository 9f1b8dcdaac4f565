#include "recotem/serve/serving_model.h"

#include <gtest/gtest.h>

#include <limits>

#include "test_models.h"

namespace recotem::serve {
namespace {

std::vector<std::string> ItemIds(const ServingModel& model,
                                 const std::vector<ScoredIndex<float>>& top) {
  std::vector<std::string> out;
  for (const auto& s : top) out.push_back(model.ItemId(s.index));
  return out;
}

TEST(ServingModel, RanksByScoreWithSeenItemsRemovedAndTiesByItemIndex) {
  auto model = testing::MakeServingModel();
  auto top = model->RecommendForUser("u0", 10);
  ASSERT_TRUE(top);
  // u0 saw i0; i1 and i2 tie at 2 → i1 first; i4 (score 0) is still finite.
  EXPECT_EQ(ItemIds(*model, *top), (std::vector<std::string>{"i1", "i2", "i3", "i4"}));
  EXPECT_FLOAT_EQ((*top)[0].score, 2.0f);
}

TEST(ServingModel, BreaksTiesByTheLowerItemIndex) {
  auto model = testing::MakeFixedScoresModel({1.0f, 2.0f, 2.0f, 1.0f, 2.0f, 1.0f});
  auto top = model->RecommendForUser("u0", 4);
  ASSERT_TRUE(top);
  EXPECT_EQ(ItemIds(*model, *top), (std::vector<std::string>{"i1", "i2", "i4", "i0"}));
}

TEST(ServingModel, NeverReturnsNonFiniteScoresSoTheResultMayBeShort) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  auto model = testing::MakeFixedScoresModel({inf, 0.5f, nan, -inf, -0.25f, 3.0f}, {5});
  auto top = model->RecommendForUser("u0", 10);
  ASSERT_TRUE(top);
  // +inf, NaN and -inf are dropped; i5 (3.0) was seen in training.
  EXPECT_EQ(ItemIds(*model, *top), (std::vector<std::string>{"i1", "i4"}));
  // A cutoff of 1 still finds the best finite item behind a +inf one.
  EXPECT_EQ(ItemIds(*model, *model->RecommendForUser("u0", 1)), (std::vector<std::string>{"i1"}));
}

TEST(ServingModel, TruncatesToTheCutoff) {
  auto model = testing::MakeServingModel();
  auto top = model->RecommendForUser("u3", 2);
  ASSERT_TRUE(top);
  EXPECT_EQ(ItemIds(*model, *top), (std::vector<std::string>{"i0", "i1"}));
}

TEST(ServingModel, UnknownUserIsNulloptAndMatchingIsExact) {
  auto model = testing::MakeServingModel();
  EXPECT_FALSE(model->RecommendForUser("u9", 5));
  EXPECT_FALSE(model->RecommendForUser("U0", 5));
  EXPECT_FALSE(model->RecommendForUser("", 5));
}

TEST(ServingModel, ExposesHeaderKidAndSha) {
  auto model = testing::MakeServingModel("shop", "prod-1");
  EXPECT_EQ(model->kid(), "prod-1");
  EXPECT_EQ(model->HeaderString("best_class"), "TopPopRecommender");
  EXPECT_EQ(model->HeaderString("best_score"), std::nullopt);  // not a string
  EXPECT_EQ(model->HeaderString("absent"), std::nullopt);
  EXPECT_EQ(model->n_items(), 5);
}

TEST(ServingModel, RejectsAnInconsistentBundle) {
  auto bundle = testing::MakeTopPopBundle(2, 3, {{0, 0}});
  bundle.items.GetOrAdd("extra");  // 4 ids, but the model and matrix know 3 items
  EXPECT_THROW(ServingModel(std::move(bundle), {}, "k", ""), std::invalid_argument);
  auto empty = testing::MakeTopPopBundle(2, 3, {{0, 0}});
  empty.model.reset();
  EXPECT_THROW(ServingModel(std::move(empty), {}, "k", ""), std::invalid_argument);
}

}  // namespace
}  // namespace recotem::serve
