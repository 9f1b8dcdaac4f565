#include "recotem/tune/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace recotem::tune {
namespace {

// A model whose score rows are given: row u of `scores` for user u.
class FixedScores final : public Recommender {
 public:
  explicit FixedScores(std::vector<std::vector<float>> scores) : scores_(std::move(scores)) {}
  const char* class_name() const override { return "FixedScores"; }
  HyperParams params() const override { return HyperParams::object(); }
  void Fit(const CsrMatrix&) override {}
  int32_t n_items() const override { return static_cast<int32_t>(scores_[0].size()); }
  void ScoreUsers(const CsrMatrix&, std::span<const int32_t> users,
                  std::span<float> out) const override {
    for (size_t k = 0; k < users.size(); ++k) {
      std::copy(scores_[users[k]].begin(), scores_[users[k]].end(),
                out.begin() + k * scores_[0].size());
    }
  }
  void ScoreProfiles(const CsrMatrix&, std::span<float>) const override {}
  void Save(TensorMap&) const override {}
  void Load(const TensorMap&, int32_t) override {}

 private:
  std::vector<std::vector<float>> scores_;
};

CsrMatrix Matrix(int32_t n_rows, int32_t n_cols, std::vector<std::vector<int32_t>> rows) {
  std::vector<int32_t> r, c;
  for (int32_t u = 0; u < n_rows; ++u) {
    for (int32_t i : rows[u]) {
      r.push_back(u);
      c.push_back(i);
    }
  }
  std::vector<float> v(r.size(), 1.0f);
  return CsrMatrix::FromTriplets(n_rows, n_cols, r, c, v);
}

const double kLog2Of3 = std::log2(3.0);

TEST(Evaluator, MatchesTheSpecsWorkedExample) {
  // L = 3, G = {a=0, c=2}, R = [a, b, c].
  CsrMatrix train = Matrix(1, 3, {{}});
  CsrMatrix validation = Matrix(1, 3, {{0, 2}});
  Evaluator evaluator(train, validation, {0}, 3, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{3, 2, 1}}));
  EXPECT_DOUBLE_EQ(m.hit, 1.0);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.5 / (1.0 + 1.0 / kLog2Of3));
  EXPECT_NEAR(m.ndcg, 0.9197, 1e-4);
  EXPECT_DOUBLE_EQ(m.map, (1.0 + 2.0 / 3.0) / 2.0);
  EXPECT_DOUBLE_EQ(m.coverage, 1.0);
}

TEST(Evaluator, UserWithFewerHeldOutItemsThanCutoffGetsASmallerIdealDcg) {
  // 5 items, cutoff 4, G = {4}; ranked at position 1 (0-based).
  CsrMatrix train = Matrix(1, 5, {{}});
  CsrMatrix validation = Matrix(1, 5, {{4}});
  Evaluator evaluator(train, validation, {0}, 4, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{9, 1, 1, 1, 5}}));
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0 / kLog2Of3);  // IDCG = disc(0) = 1
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.precision, 0.25);
  EXPECT_DOUBLE_EQ(m.map, 0.5);
}

TEST(Evaluator, MapAndRecallDivideByAllHeldOutItemsNotByTheCutoff) {
  // 4 items, cutoff 1, G = {0, 1, 2}; the top item is a hit.
  CsrMatrix train = Matrix(1, 4, {{}});
  CsrMatrix validation = Matrix(1, 4, {{0, 1, 2}});
  Evaluator evaluator(train, validation, {0}, 1, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{4, 3, 2, 1}}));
  EXPECT_DOUBLE_EQ(m.recall, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.map, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);  // IDCG over min(n_gt, L) = 1 position
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
}

TEST(Evaluator, UsersWithoutHeldOutItemsAreNotAveraged) {
  CsrMatrix train = Matrix(2, 3, {{}, {}});
  CsrMatrix validation = Matrix(2, 3, {{0}, {}});
  Evaluator evaluator(train, validation, {0, 1}, 1, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{1, 0, 0}, {0, 0, 1}}));
  EXPECT_DOUBLE_EQ(m.hit, 1.0);
  EXPECT_EQ(m.valid_users, 1);
  EXPECT_EQ(m.total_users, 2);
  EXPECT_DOUBLE_EQ(m.coverage, 1.0 / 3.0);  // only the evaluated user's list counts
}

TEST(Evaluator, NoUserWithHeldOutItemsGivesZeroes) {
  CsrMatrix train = Matrix(1, 2, {{}});
  CsrMatrix validation = Matrix(1, 2, {{}});
  Evaluator evaluator(train, validation, {0}, 1, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{1, 0}}));
  EXPECT_EQ(m.valid_users, 0);
  EXPECT_EQ(m.ndcg, 0.0);
  EXPECT_EQ(m.hit, 0.0);
}

TEST(Evaluator, MasksTrainingItems) {
  CsrMatrix train = Matrix(1, 3, {{0}});
  CsrMatrix validation = Matrix(1, 3, {{1}});
  Evaluator evaluator(train, validation, {0}, 1, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{9, 5, 1}}));
  EXPECT_DOUBLE_EQ(m.hit, 1.0);  // item 0 scores highest but is a training item
}

TEST(Evaluator, BreaksTiesByLowerItemIndex) {
  CsrMatrix train = Matrix(2, 3, {{}, {}});
  CsrMatrix validation = Matrix(2, 3, {{1}, {2}});
  Evaluator evaluator(train, validation, {0, 1}, 1, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{0, 1, 1}, {1, 1, 1}}));
  EXPECT_DOUBLE_EQ(m.hit, 0.5);  // user 0 gets item 1 (hit), user 1 gets item 0 (miss)
}

TEST(Evaluator, MaskedItemsFillTheListWhenTooFewRemain) {
  // 3 items, 2 of them training items, cutoff 3: the held-out item is first.
  CsrMatrix train = Matrix(1, 3, {{0, 2}});
  CsrMatrix validation = Matrix(1, 3, {{1}});
  Evaluator evaluator(train, validation, {0}, 3, 1);
  MetricValues m = evaluator.Evaluate(FixedScores({{5, 0, 7}}));
  EXPECT_DOUBLE_EQ(m.precision, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.ndcg, 1.0);
}

TEST(Evaluator, ResultDoesNotDependOnTheThreadCount) {
  const int32_t n_users = 700, n_items = 50;
  std::vector<std::vector<int32_t>> train_rows(n_users), test_rows(n_users);
  std::vector<std::vector<float>> scores(n_users, std::vector<float>(n_items));
  for (int32_t u = 0; u < n_users; ++u) {
    train_rows[u] = {u % n_items};
    test_rows[u] = {(u * 7 + 3) % n_items, (u * 11 + 5) % n_items};
    if (test_rows[u][0] == test_rows[u][1] || test_rows[u][1] == train_rows[u][0] ||
        test_rows[u][0] == train_rows[u][0]) {
      test_rows[u] = {(train_rows[u][0] + 1) % n_items};
    }
    for (int32_t i = 0; i < n_items; ++i) scores[u][i] = static_cast<float>((u * 31 + i * 17) % 23);
  }
  for (auto& row : test_rows) std::sort(row.begin(), row.end());
  CsrMatrix train = Matrix(n_users, n_items, train_rows);
  CsrMatrix validation = Matrix(n_users, n_items, test_rows);
  std::vector<int32_t> users(n_users);
  for (int32_t u = 0; u < n_users; ++u) users[u] = u;
  FixedScores model(scores);
  MetricValues one = Evaluator(train, validation, users, 10, 1).Evaluate(model);
  MetricValues four = Evaluator(train, validation, users, 10, 4).Evaluate(model);
  EXPECT_EQ(one.ndcg, four.ndcg);
  EXPECT_EQ(one.map, four.map);
  EXPECT_EQ(one.coverage, four.coverage);
  EXPECT_GT(one.hit, 0.0);
}

TEST(Evaluator, RejectsACutoffOutsideOneToItemCount) {
  CsrMatrix train = Matrix(1, 3, {{}});
  CsrMatrix validation = Matrix(1, 3, {{1}});
  EXPECT_THROW(Evaluator(train, validation, {0}, 4, 1), std::invalid_argument);
  EXPECT_THROW(Evaluator(train, validation, {0}, 0, 1), std::invalid_argument);
  EXPECT_THROW(Evaluator(train, validation, {5}, 1, 1), std::invalid_argument);
}

TEST(Evaluator, ParsesTheMetricNamesOfTheRecipe) {
  EXPECT_EQ(ParseMetric("ndcg"), Metric::kNdcg);
  EXPECT_EQ(ParseMetric("map"), Metric::kMap);
  EXPECT_EQ(ParseMetric("recall"), Metric::kRecall);
  EXPECT_EQ(ParseMetric("hit"), Metric::kHit);
  EXPECT_EQ(ParseMetric("precision"), Metric::kPrecision);
  EXPECT_EQ(ParseMetric("NDCG@20"), std::nullopt);
  MetricValues m;
  m.recall = 0.25;
  EXPECT_EQ(m.Get(Metric::kRecall), 0.25);
}

}  // namespace
}  // namespace recotem::tune
