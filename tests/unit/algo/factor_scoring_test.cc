#include "recotem/algo/factor_scoring.h"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "recotem/algo/recommender.h"

namespace recotem {
namespace {

struct Factors {
  std::vector<float> users, items;
  FactorModelView View(int32_t n_users, int32_t n_items, int64_t k) const {
    return {"TestModel", users, items, n_users, n_items, k};
  }
};

Factors RandomFactors(int32_t n_users, int32_t n_items, int64_t k) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Factors f;
  f.users.resize(static_cast<size_t>(n_users * k));
  f.items.resize(static_cast<size_t>(n_items * k));
  for (float& v : f.users) v = normal(rng);
  for (float& v : f.items) v = normal(rng);
  return f;
}

// For every (n_items, k) shape and batch size: `score(view, users, out)` on a
// batch gives each user exactly (bit for bit) what it gives that user alone.
template <typename Score>
void ExpectBatchesScoreEachUserAsAlone(Score score,
                                       const std::vector<std::pair<int32_t, int64_t>>& shapes,
                                       const std::vector<size_t>& batch_sizes) {
  const int32_t n_users = 50;
  for (auto [n_items, k] : shapes) {
    Factors f = RandomFactors(n_users, n_items, k);
    FactorModelView view = f.View(n_users, n_items, k);
    std::vector<std::vector<float>> alone(n_users, std::vector<float>(n_items));
    for (int32_t u = 0; u < n_users; ++u) score(view, std::vector<int32_t>{u}, alone[u]);
    for (size_t batch : batch_sizes) {
      std::vector<int32_t> users(batch);
      for (size_t b = 0; b < batch; ++b) users[b] = static_cast<int32_t>((b * 7 + batch) % n_users);
      std::vector<float> out(batch * static_cast<size_t>(n_items));
      score(view, users, out);
      for (size_t b = 0; b < batch; ++b) {
        for (int32_t i = 0; i < n_items; ++i) {
          ASSERT_EQ(out[b * static_cast<size_t>(n_items) + static_cast<size_t>(i)],
                    alone[users[b]][i])
              << "n_items " << n_items << " k " << k << " batch " << batch << " user " << users[b]
              << " item " << i;
        }
      }
    }
  }
}

TEST(ScoreUserFactors, ComputesTheDotProductOfUserAndItemFactors) {
  // U = [[1, 2], [0, -1]], V = [[3, 1], [1, 0], [-2, 2]].
  Factors f{{1, 2, 0, -1}, {3, 1, 1, 0, -2, 2}};
  std::vector<int32_t> users = {1, 0};
  std::vector<float> out(6);
  ScoreUserFactors(f.View(2, 3, 2), users, out);
  EXPECT_EQ(out, (std::vector<float>{-1, 0, -2, 5, 1, 2}));
}

TEST(ScoreUserFactors, OneUserScoresMatchTheBatchedProduct) {
  const int32_t n_users = 40, n_items = 333;
  const int64_t k = 37;
  Factors f = RandomFactors(n_users, n_items, k);
  std::vector<int32_t> all(n_users);
  for (int32_t u = 0; u < n_users; ++u) all[u] = u;
  std::vector<float> batch(static_cast<size_t>(n_users * n_items));
  ScoreUserFactors(f.View(n_users, n_items, k), all, batch);
  std::vector<float> one(n_items);
  for (int32_t u = 0; u < n_users; ++u) {
    ScoreUserFactors(f.View(n_users, n_items, k), std::vector<int32_t>{u}, one);
    for (int32_t i = 0; i < n_items; ++i) {
      ASSERT_NEAR(one[i], batch[static_cast<size_t>(u * n_items + i)], 1e-4f) << u << " " << i;
    }
  }
}

// Serve scores the requests of one I/O tick together: a user's scores must
// not depend by a single bit on the users it shares the call with. Shapes
// cover k mod 16 ≠ 0, k < 16, n mod 16 ≠ 0 and every batch size up to the
// exact limit.
TEST(ScoreUserFactors, ABatchScoresEveryUserBitForBitAsAloneUpToTheExactLimit) {
  std::vector<size_t> every_size;
  for (size_t batch = 2; batch <= kExactScoreBatchUsers; ++batch) every_size.push_back(batch);
  ExpectBatchesScoreEachUserAsAlone(
      [](const FactorModelView& view, std::span<const int32_t> users, std::span<float> out) {
        ScoreUserFactors(view, users, out);
      },
      {{333, 37}, {1682, 64}, {70, 16}, {19, 9}, {3, 40}}, every_size);
}

TEST(ScoreUserFactors, ExactBatchesMatchADoublePrecisionReference) {
  const int32_t n_users = 9, n_items = 101;
  const int64_t k = 45;
  Factors f = RandomFactors(n_users, n_items, k);
  std::vector<int32_t> users = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<float> out(users.size() * n_items);
  ScoreUserFactors(f.View(n_users, n_items, k), users, out);
  for (int32_t u = 0; u < n_users; ++u) {
    for (int32_t i = 0; i < n_items; ++i) {
      double ref = 0;
      for (int64_t j = 0; j < k; ++j) {
        ref += static_cast<double>(f.users[u * k + j]) * static_cast<double>(f.items[i * k + j]);
      }
      ASSERT_NEAR(out[static_cast<size_t>(u * n_items + i)], ref, 1e-4) << u << " " << i;
    }
  }
}

// serve scores through ItemPanels: any batch size (also past the
// ScoreUserFactors exact limit) gives each user its scores alone, bit for
// bit; shapes cover n mod 16 ≠ 0, fewer items than one panel and k < 16.
TEST(ItemPanels, ABatchScoresEveryUserBitForBitAsAlone) {
  ExpectBatchesScoreEachUserAsAlone(
      [](const FactorModelView& view, std::span<const int32_t> users, std::span<float> out) {
        ItemPanels(view).Score(view, users, out);
      },
      {{333, 37}, {1682, 64}, {64, 16}, {5, 9}, {3001, 70}},
      {2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 45});
}

// 3001 items × k = 70 spans two of the cache blocks the panels are scored
// in (the second one partial) and ends in a partial panel.
TEST(ItemPanels, ScoresMatchADoublePrecisionReferenceWithItemBiases) {
  const int32_t n_users = 11, n_items = 3001;
  const int64_t k = 70;
  Factors f = RandomFactors(n_users, n_items, k);
  std::vector<float> biases(n_items);
  for (int32_t i = 0; i < n_items; ++i) biases[i] = 0.25f * static_cast<float>(i % 5) - 0.5f;
  FactorModelView view = f.View(n_users, n_items, k);
  view.item_biases = biases;
  ItemPanels panels(view);
  std::vector<int32_t> users = {3, 0, 10, 3, 7, 1, 2, 9, 8, 4, 5};
  std::vector<float> out(users.size() * n_items), reference(users.size() * n_items);
  panels.Score(view, users, out);
  ScoreUserFactors(view, users, reference);
  for (size_t b = 0; b < users.size(); ++b) {
    for (int32_t i = 0; i < n_items; ++i) {
      double ref = biases[i];
      for (int64_t j = 0; j < k; ++j) {
        ref += static_cast<double>(f.users[users[b] * k + j]) *
               static_cast<double>(f.items[i * k + j]);
      }
      const size_t at = b * n_items + static_cast<size_t>(i);
      ASSERT_NEAR(out[at], ref, 1e-4) << b << " " << i;
      ASSERT_NEAR(out[at], reference[at], 1e-4) << b << " " << i;  // same scores as ScoreUsers
    }
  }
}

TEST(ItemPanels, RejectsAnotherModelAnUnknownUserAndAWrongBuffer) {
  Factors f = RandomFactors(3, 20, 4);
  ItemPanels panels(f.View(3, 20, 4));
  std::vector<float> out(20);
  EXPECT_THROW(panels.Score(f.View(3, 20, 4), std::vector<int32_t>{3}, out), std::invalid_argument);
  std::vector<float> short_out(19);
  EXPECT_THROW(panels.Score(f.View(3, 20, 4), std::vector<int32_t>{0}, short_out),
               std::invalid_argument);
  Factors other = RandomFactors(3, 19, 4);
  EXPECT_THROW(panels.Score(other.View(3, 19, 4), std::vector<int32_t>{0}, short_out),
               std::invalid_argument);
}

TEST(ScoreUserFactors, RejectsAnUnknownUserAndAWrongBuffer) {
  Factors f = RandomFactors(3, 4, 2);
  std::vector<float> out(4);
  EXPECT_THROW(ScoreUserFactors(f.View(3, 4, 2), std::vector<int32_t>{3}, out),
               std::invalid_argument);
  EXPECT_THROW(ScoreUserFactors(f.View(3, 4, 2), std::vector<int32_t>{-1}, out),
               std::invalid_argument);
  std::vector<float> short_out(3);
  EXPECT_THROW(ScoreUserFactors(f.View(3, 4, 2), std::vector<int32_t>{0}, short_out),
               std::invalid_argument);
}

}  // namespace
}  // namespace recotem
