#include "recotem/tune/median_pruner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace recotem::tune {
namespace {

FrozenTrial Completed(int64_t number, std::map<int64_t, double> values) {
  FrozenTrial t;
  t.number = number;
  t.state = TrialState::kComplete;
  t.value = values.empty() ? 0.0 : values.rbegin()->second;
  t.intermediate_values = std::move(values);
  return t;
}

std::vector<FrozenTrial> FiveCompleted() {
  std::vector<FrozenTrial> trials;
  for (int k = 0; k < 5; ++k) trials.push_back(Completed(k, {{4, -0.1 * k}}));
  return trials;  // values at step 4: 0, −0.1, −0.2, −0.3, −0.4 → median −0.2
}

TEST(MedianPruner, WaitsForFiveCompletedTrials) {
  std::vector<FrozenTrial> trials = FiveCompleted();
  trials.pop_back();
  EXPECT_FALSE(ShouldPrune(trials, {{4, 10.0}}, 4));
}

TEST(MedianPruner, PrunesWhenTheBestValueIsWorseThanTheMedianAtThatStep) {
  EXPECT_TRUE(ShouldPrune(FiveCompleted(), {{4, -0.1}}, 4));
  EXPECT_FALSE(ShouldPrune(FiveCompleted(), {{4, -0.2}}, 4));  // equal: not worse
  EXPECT_FALSE(ShouldPrune(FiveCompleted(), {{4, -0.3}}, 4));
}

TEST(MedianPruner, UsesTheTrialsBestValueSoFar) {
  // Its latest value is bad but an earlier one beats the median.
  EXPECT_FALSE(ShouldPrune(FiveCompleted(), {{0, -0.5}, {4, 0.0}}, 4));
}

TEST(MedianPruner, DoesNotPruneWithoutValuesAtThatStep) {
  EXPECT_FALSE(ShouldPrune(FiveCompleted(), {{9, 100.0}}, 9));
}

TEST(MedianPruner, PrunesATrialWhoseValuesAreAllNaN) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(ShouldPrune(FiveCompleted(), {{4, nan}}, 4));
}

TEST(MedianPruner, IgnoresPrunedAndRunningTrials) {
  std::vector<FrozenTrial> trials = FiveCompleted();
  for (FrozenTrial& t : trials) t.state = TrialState::kPruned;
  EXPECT_FALSE(ShouldPrune(trials, {{4, 10.0}}, 4));
}

}  // namespace
}  // namespace recotem::tune
