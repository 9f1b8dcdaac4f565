#include "recotem/serve/serving_model.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>

#include "recotem/algo/ials.h"
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

// A long row (the running-bar selection): +inf entries are the best raw
// scores, so they are masked and the row ranked again; NaN and -inf never
// come back.
TEST(ServingModel, NeverReturnsNonFiniteScoresFromALongRow) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> scores(2000);
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = static_cast<float>(i % 97) * 0.01f;
  }
  for (size_t i : {3u, 400u, 1999u}) scores[i] = inf;
  for (size_t i : {96u, 193u}) scores[i] = std::numeric_limits<float>::quiet_NaN();
  scores[290] = -inf;  // 290 % 97 = 96: the best finite value is at 96 + 97n
  auto model = testing::MakeFixedScoresModel(scores, {387});
  auto top = model->RecommendForUser("u0", 3);
  ASSERT_TRUE(top);
  EXPECT_EQ(ItemIds(*model, *top), (std::vector<std::string>{"i484", "i581", "i678"}));
  EXPECT_FLOAT_EQ((*top)[0].score, 0.96f);
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

// serve answers the /predict requests of one I/O tick with one call: every
// answer must be exactly the one-user answer (same items, same score bits),
// unknown users stay nullopt, and batches longer than the exact limit are
// split. IALS: the factor kernel is where batching changes the arithmetic.
TEST(ServingModel, RecommendForUsersAnswersEachQueryExactlyAsAlone) {
  const int n_users = 60, n_items = 83;
  std::vector<std::pair<int, int>> interactions;
  for (int u = 0; u < n_users; ++u) {
    for (int i = u % 7; i < n_items; i += 5 + u % 3) interactions.emplace_back(u, i);
  }
  ModelBundle bundle = testing::MakeTopPopBundle(n_users, n_items, interactions);
  auto ials = std::make_unique<IALSRecommender>(
      HyperParams{{"n_components", 21}, {"train_epochs", 3}, {"alpha0", 0.3}});
  ials->Fit(bundle.seen);
  bundle.model = std::move(ials);
  ServingModel model(std::move(bundle), nlohmann::ordered_json::object(), "k", "");
  std::vector<std::string> ids;
  std::vector<ServingModel::UserQuery> queries;
  for (int q = 0; q < 75; ++q) {  // > 2 × kExactScoreBatchUsers, repeats and unknowns
    ids.push_back(q % 9 == 4 ? "nobody" + std::to_string(q) : "u" + std::to_string(q * 17 % 61));
  }
  for (int q = 0; q < 75; ++q) queries.push_back({ids[q], static_cast<size_t>(1 + q % 12)});
  auto batch = model.RecommendForUsers(queries);
  ASSERT_EQ(batch.size(), queries.size());
  int known = 0;
  for (size_t q = 0; q < queries.size(); ++q) {
    auto alone = model.RecommendForUser(queries[q].user_id, queries[q].k);
    ASSERT_EQ(batch[q].has_value(), alone.has_value()) << ids[q];
    if (!alone) continue;
    ++known;
    ASSERT_EQ(batch[q]->size(), alone->size()) << ids[q];
    for (size_t r = 0; r < alone->size(); ++r) {
      EXPECT_EQ((*batch[q])[r].index, (*alone)[r].index) << ids[q] << " rank " << r;
      EXPECT_EQ(std::bit_cast<uint32_t>((*batch[q])[r].score),
                std::bit_cast<uint32_t>((*alone)[r].score))
          << ids[q] << " rank " << r;
    }
  }
  EXPECT_GT(known, 2 * static_cast<int>(kExactScoreBatchUsers));
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
