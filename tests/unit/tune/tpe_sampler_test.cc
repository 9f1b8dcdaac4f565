#include "recotem/tune/tpe_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace recotem::tune {
namespace {

FrozenTrial Complete(int64_t number, const std::string& name, double param, double value,
                     const ParamDistribution& d) {
  FrozenTrial t;
  t.number = number;
  t.trial_id = number;
  t.state = TrialState::kComplete;
  t.value = value;
  t.params[name] = param;
  t.distributions.emplace(name, d);
  return t;
}

TEST(TpeGamma, IsTenPercentRoundedUpCappedAt25) {
  EXPECT_EQ(TpeGamma(0), 0);
  EXPECT_EQ(TpeGamma(1), 1);
  EXPECT_EQ(TpeGamma(10), 1);
  EXPECT_EQ(TpeGamma(11), 2);
  EXPECT_EQ(TpeGamma(100), 10);
  EXPECT_EQ(TpeGamma(1000), 25);
}

TEST(TpeWeights, AreFlatUpTo25ThenRampForOlderObservations) {
  EXPECT_TRUE(TpeWeights(0).empty());
  EXPECT_EQ(TpeWeights(24), std::vector<double>(24, 1.0));
  std::vector<double> w = TpeWeights(30);
  ASSERT_EQ(w.size(), 30u);
  EXPECT_DOUBLE_EQ(w[0], 1.0 / 30);  // numpy.linspace(1/n, 1, n − 25)
  EXPECT_DOUBLE_EQ(w[4], 1.0);
  for (size_t i = 1; i < 5; ++i) EXPECT_GT(w[i], w[i - 1]);
  for (size_t i = 5; i < 30; ++i) EXPECT_DOUBLE_EQ(w[i], 1.0);
}

TEST(SplitBelowAbove, RanksCompleteByValueThenPrunedByLastStep) {
  ParamDistribution d = ParamDistribution::FloatUniform("x", 0, 1);
  std::vector<FrozenTrial> history;
  for (int k = 0; k < 11; ++k) history.push_back(Complete(k, "x", 0.1 * k, 10.0 - k, d));
  FrozenTrial pruned = Complete(11, "x", 0.5, 0, d);
  pruned.state = TrialState::kPruned;
  pruned.value.reset();
  pruned.intermediate_values[4] = -100;  // better than any value but pruned: ranked after
  history.push_back(pruned);
  auto [below, above] = SplitBelowAbove(history, "x");
  ASSERT_EQ(below.size(), 2u);  // gamma(12) = 2
  EXPECT_EQ(below[0]->number, 9);
  EXPECT_EQ(below[1]->number, 10);
  EXPECT_EQ(above.size(), 10u);
  EXPECT_EQ(above.back()->number, 11);
}

TEST(SplitBelowAbove, SkipsTrialsWithoutTheParameter) {
  ParamDistribution d = ParamDistribution::FloatUniform("x", 0, 1);
  std::vector<FrozenTrial> history = {Complete(0, "y", 0.5, 1.0, d), Complete(1, "x", 0.5, 2.0, d)};
  auto [below, above] = SplitBelowAbove(history, "x");
  EXPECT_TRUE(below.empty());  // the best trial (0) has no x
  ASSERT_EQ(above.size(), 1u);
  EXPECT_EQ(above[0]->number, 1);
}

TEST(SampleUniform, StaysInsideEveryKindOfDistribution) {
  std::mt19937_64 rng(7);
  ParamDistribution ints = ParamDistribution::IntUniform("i", 3, 5);
  ParamDistribution int_log = ParamDistribution::IntLog("il", 1, 1000);
  ParamDistribution floats = ParamDistribution::FloatUniform("f", -1, 1);
  ParamDistribution float_log = ParamDistribution::FloatLog("fl", 1e-4, 1e-1);
  ParamDistribution categorical = ParamDistribution::Categorical("c", {"a", "b", "c"});
  std::set<double> seen_ints;
  for (int k = 0; k < 500; ++k) {
    double i = SampleUniform(ints, rng);
    seen_ints.insert(i);
    EXPECT_EQ(i, std::round(i));
    double il = SampleUniform(int_log, rng);
    EXPECT_GE(il, 1);
    EXPECT_LE(il, 1000);
    EXPECT_EQ(il, std::round(il));
    double f = SampleUniform(floats, rng);
    EXPECT_GE(f, -1);
    EXPECT_LE(f, 1);
    double fl = SampleUniform(float_log, rng);
    EXPECT_GE(fl, 1e-4);
    EXPECT_LE(fl, 1e-1);
    double c = SampleUniform(categorical, rng);
    EXPECT_TRUE(c == 0 || c == 1 || c == 2);
  }
  EXPECT_EQ(seen_ints, (std::set<double>{3, 4, 5}));
}

TEST(TpeSampler, UsesRandomSamplingDuringStartUp) {
  TpeSampler sampler;
  ParamDistribution d = ParamDistribution::FloatUniform("x", 0, 1);
  std::vector<FrozenTrial> history;
  for (int k = 0; k < 9; ++k) history.push_back(Complete(k, "x", 0.9, -1.0, d));
  std::mt19937_64 a(3), b(3);
  EXPECT_EQ(sampler.Sample(d, history, 9, a), SampleUniform(d, b));
}

// Minimising (x − 0.8)²: after the start-up trials TPE proposes points near
// the optimum far more often than uniform sampling does.
TEST(TpeSampler, ConcentratesNearTheOptimumOfAOneDimensionalObjective) {
  TpeSampler sampler;
  ParamDistribution d = ParamDistribution::FloatUniform("x", 0, 1);
  std::mt19937_64 rng(42);
  std::vector<FrozenTrial> history;
  int near = 0;
  for (int k = 0; k < 60; ++k) {
    double x = sampler.Sample(d, history, static_cast<int64_t>(history.size()), rng);
    ASSERT_GE(x, 0);
    ASSERT_LE(x, 1);
    if (k >= 30 && std::abs(x - 0.8) < 0.1) ++near;
    history.push_back(Complete(k, "x", x, (x - 0.8) * (x - 0.8), d));
  }
  EXPECT_GE(near, 15);  // uniform sampling would expect 6 of 30
}

TEST(TpeSampler, FindsTheBestChoiceOfACategorical) {
  TpeSampler sampler;
  ParamDistribution d = ParamDistribution::Categorical("c", {"a", "b", "c", "d"});
  std::mt19937_64 rng(1);
  std::vector<FrozenTrial> history;
  int best_choice = 0;
  for (int k = 0; k < 50; ++k) {
    double c = sampler.Sample(d, history, static_cast<int64_t>(history.size()), rng);
    ASSERT_TRUE(c >= 0 && c <= 3);
    if (k >= 25 && c == 2) ++best_choice;
    history.push_back(Complete(k, "c", c, c == 2 ? 0.0 : 1.0, d));
  }
  EXPECT_GE(best_choice, 15);
}

TEST(TpeSampler, LogIntegerProposalsAreIntegersInRange) {
  TpeSampler sampler;
  ParamDistribution d = ParamDistribution::IntLog("k", 1, 512);
  std::mt19937_64 rng(5);
  std::vector<FrozenTrial> history;
  for (int k = 0; k < 40; ++k) {
    double v = sampler.Sample(d, history, static_cast<int64_t>(history.size()), rng);
    ASSERT_EQ(v, std::round(v));
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 512);
    history.push_back(Complete(k, "k", v, std::abs(std::log(v) - std::log(64.0)), d));
  }
}

TEST(TpeSampler, IsDeterministicForAGivenSeedAndHistory) {
  TpeSampler sampler;
  ParamDistribution d = ParamDistribution::FloatLog("reg", 1, 1e4);
  std::vector<FrozenTrial> history;
  for (int k = 0; k < 12; ++k)
    history.push_back(Complete(k, "reg", 1.0 + 100 * k, 1.0 / (k + 1), d));
  std::mt19937_64 a(9), b(9);
  EXPECT_EQ(sampler.Sample(d, history, 12, a), sampler.Sample(d, history, 12, b));
}

}  // namespace
}  // namespace recotem::tune
