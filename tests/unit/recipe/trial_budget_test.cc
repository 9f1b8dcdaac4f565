// Budget splitting (recipe.md §9.4): every worked example of the spec, the
// fixed rounding edge case, and the guarantees as properties over a grid.
#include "recotem/recipe/trial_budget.h"

#include <gtest/gtest.h>

#include <numeric>

#include "recotem/core/errors.h"

namespace recotem {
namespace {

using Budgets = std::vector<std::pair<std::string, int64_t>>;
using Per = std::map<std::string, int64_t>;

const std::vector<std::string> kThree = {"IALSRecommender", "CosineKNNRecommender",
                                         "TopPopRecommender"};

TEST(TrialBudget, EvenSplitGivesTheRemainderToTheFirstClasses) {
  EXPECT_EQ(
      SplitTrialBudget(kThree, 40, std::nullopt),
      (Budgets{{"IALSRecommender", 14}, {"CosineKNNRecommender", 13}, {"TopPopRecommender", 13}}));
}

TEST(TrialBudget, ClassesWithoutTrialsAreDropped) {
  EXPECT_EQ(SplitTrialBudget(kThree, 2, std::nullopt),
            (Budgets{{"IALSRecommender", 1}, {"CosineKNNRecommender", 1}}));
}

TEST(TrialBudget, ExactExplicitBudgetsAreHonoured) {
  EXPECT_EQ(
      SplitTrialBudget(kThree, 40, Per{{"IALS", 24}, {"CosineKNN", 12}, {"TopPop", 4}}),
      (Budgets{{"IALSRecommender", 24}, {"CosineKNNRecommender", 12}, {"TopPopRecommender", 4}}));
}

TEST(TrialBudget, LeftoverIsSplitOverUnspecifiedClasses) {
  EXPECT_EQ(
      SplitTrialBudget(kThree, 40, Per{{"IALS", 10}}),
      (Budgets{{"IALSRecommender", 10}, {"CosineKNNRecommender", 15}, {"TopPopRecommender", 15}}));
  EXPECT_EQ(
      SplitTrialBudget(kThree, 40, Per{{"IALS", 10}, {"CosineKNN", 5}}),
      (Budgets{{"IALSRecommender", 10}, {"CosineKNNRecommender", 5}, {"TopPopRecommender", 25}}));
}

TEST(TrialBudget, AnExplicitZeroDisablesAClass) {
  EXPECT_EQ(SplitTrialBudget(kThree, 40, Per{{"IALS", 10}, {"TopPop", 0}}),
            (Budgets{{"IALSRecommender", 10}, {"CosineKNNRecommender", 30}}));
  EXPECT_EQ(SplitTrialBudget(kThree, 10, Per{{"IALS", 0}, {"CosineKNN", 0}}),
            (Budgets{{"TopPopRecommender", 10}}));
}

TEST(TrialBudget, AllZeroWithNothingUnspecifiedFallsBackToAnEvenSplit) {
  std::vector<std::string> two = {"IALSRecommender", "CosineKNNRecommender"};
  EXPECT_EQ(SplitTrialBudget(two, 10, Per{{"IALS", 0}, {"CosineKNN", 0}}),
            (Budgets{{"IALSRecommender", 5}, {"CosineKNNRecommender", 5}}));
}

TEST(TrialBudget, OverSubscribedBudgetsScaleWithBankersRounding) {
  // scale 1/2: 5, round(2.5) = 2, the last gets 10 - 7.
  EXPECT_EQ(
      SplitTrialBudget(kThree, 10, Per{{"IALS", 10}, {"CosineKNN", 5}, {"TopPop", 5}}),
      (Budgets{{"IALSRecommender", 5}, {"CosineKNNRecommender", 2}, {"TopPopRecommender", 3}}));
  std::vector<std::string> four = {"IALSRecommender", "CosineKNNRecommender", "TopPopRecommender",
                                   "RP3betaRecommender"};
  EXPECT_EQ(
      SplitTrialBudget(four, 10, Per{{"IALS", 5}, {"CosineKNN", 5}, {"TopPop", 5}, {"RP3beta", 5}}),
      (Budgets{{"IALSRecommender", 2},
               {"CosineKNNRecommender", 2},
               {"TopPopRecommender", 2},
               {"RP3betaRecommender", 4}}));
}

TEST(TrialBudget, TooFewTrialsGoOneEachToTheFirstExplicitClasses) {
  EXPECT_EQ(SplitTrialBudget(kThree, 2, Per{{"IALS", 5}, {"CosineKNN", 5}, {"TopPop", 5}}),
            (Budgets{{"IALSRecommender", 1}, {"CosineKNNRecommender", 1}}));
}

TEST(TrialBudget, RoundingNeverExceedsNTrials) {
  // The original gave 3, 1, 1 (sum 5 > 3); every class still gets one.
  EXPECT_EQ(
      SplitTrialBudget(kThree, 3, Per{{"IALS", 100}, {"CosineKNN", 1}, {"TopPop", 1}}),
      (Budgets{{"IALSRecommender", 1}, {"CosineKNNRecommender", 1}, {"TopPopRecommender", 1}}));
}

TEST(TrialBudget, UnspecifiedClassesGetATrialEvenWhenOverSubscribed) {
  // The original gave 10, 0, 0: CosineKNN and TopPop were silently never tried.
  EXPECT_EQ(
      SplitTrialBudget(kThree, 10, Per{{"IALS", 15}}),
      (Budgets{{"IALSRecommender", 8}, {"CosineKNNRecommender", 1}, {"TopPopRecommender", 1}}));
  // When the explicit budgets use everything, the largest gives way.
  std::vector<std::string> two = {"IALSRecommender", "CosineKNNRecommender"};
  EXPECT_EQ(SplitTrialBudget(two, 40, Per{{"IALS", 40}}),
            (Budgets{{"IALSRecommender", 39}, {"CosineKNNRecommender", 1}}));
}

TEST(TrialBudget, NegativeValuesCountAsZero) {
  std::vector<std::string> two = {"IALSRecommender", "CosineKNNRecommender"};
  EXPECT_EQ(SplitTrialBudget(two, 9, Per{{"IALS", -5}}), (Budgets{{"CosineKNNRecommender", 9}}));
}

TEST(TrialBudget, TheSpecExampleRecipeSplitsTheRemainingTwentyNine) {
  std::vector<std::string> classes = {"IALSRecommender", "CosineKNNRecommender",
                                      "RP3betaRecommender", "TopPopRecommender"};
  EXPECT_EQ(SplitTrialBudget(classes, 60, Per{{"IALS", 30}, {"TopPop", 1}}),
            (Budgets{{"IALSRecommender", 30},
                     {"CosineKNNRecommender", 15},
                     {"RP3betaRecommender", 14},
                     {"TopPopRecommender", 1}}));
}

TEST(TrialBudget, AnUnknownKeyIsATrainingError) {
  try {
    SplitTrialBudget(kThree, 10, Per{{"EASE", 3}});
    FAIL() << "expected TrainingError";
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "unknown_algorithm_in_budget");
  }
}

TEST(TrialBudget, UsesTheGivenResolver) {
  auto resolver = [](std::string_view name) -> std::optional<std::string> {
    if (name == "first") return "IALSRecommender";
    return std::nullopt;
  };
  EXPECT_EQ(
      SplitTrialBudget(kThree, 10, Per{{"first", 4}}, resolver),
      (Budgets{{"IALSRecommender", 4}, {"CosineKNNRecommender", 3}, {"TopPopRecommender", 3}}));
}

TEST(TrialBudget, GuaranteesHoldOverAGridOfInputs) {
  const std::vector<int64_t> values = {-1, 0, 1, 2, 5, 30, 100};
  for (int64_t n = 1; n <= 20; ++n) {
    for (int64_t a : values) {
      for (int64_t b : values) {
        for (int mask = 0; mask < 4; ++mask) {
          Per per;
          if (mask & 1) per["IALS"] = a;
          if (mask & 2) per["CosineKNN"] = b;
          std::optional<Per> p = mask == 0 ? std::nullopt : std::optional<Per>(per);
          Budgets got = SplitTrialBudget(kThree, n, p);
          int64_t sum = 0;
          for (const auto& [c, v] : got) sum += v;
          SCOPED_TRACE(::testing::Message()
                       << "n=" << n << " a=" << a << " b=" << b << " mask=" << mask);
          EXPECT_LE(sum, n);
          EXPECT_EQ(got, SplitTrialBudget(kThree, n, p));  // deterministic
          int64_t enabled = 1;                             // TopPop is never given a budget here
          if (!(mask & 1) || a > 0) ++enabled;
          if (!(mask & 2) || b > 0) ++enabled;
          bool all_disabled = (mask & 1) && a <= 0 && (mask & 2) && b <= 0;
          if (n >= enabled && !all_disabled) {
            EXPECT_EQ(static_cast<int64_t>(got.size()), enabled);
            EXPECT_EQ(sum, n);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace recotem
