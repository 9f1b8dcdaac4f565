#include "recotem/algo/factor_scoring.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

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
