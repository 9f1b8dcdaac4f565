#include "recotem/tune/in_memory_storage.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace recotem::tune {
namespace {

TEST(InMemoryStudyStorage, OpensOneStudyPerName) {
  InMemoryStudyStorage storage;
  int64_t a = storage.CreateOrLoadStudy("a");
  EXPECT_EQ(storage.CreateOrLoadStudy("a"), a);
  EXPECT_NE(storage.CreateOrLoadStudy("b"), a);
}

TEST(InMemoryStudyStorage, NumbersTrialsAndStopsAtTheBudget) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimRequest request;
  request.max_trials = 3;
  for (int64_t k = 0; k < 3; ++k) {
    std::optional<ClaimedTrial> claimed = storage.ClaimTrial(study, request);
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->number, k);
    EXPECT_FALSE(claimed->class_name);
  }
  EXPECT_FALSE(storage.ClaimTrial(study, request));
}

TEST(InMemoryStudyStorage, FailedTrialsGiveTheirBudgetBack) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimRequest request;
  request.max_trials = 1;
  ClaimedTrial first = *storage.ClaimTrial(study, request);
  EXPECT_TRUE(storage.FinishTrial(first.trial_id, TrialState::kFail, std::nullopt));
  std::optional<ClaimedTrial> again = storage.ClaimTrial(study, request);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->number, 1);
}

TEST(InMemoryStudyStorage, ScheduleAssignsClassesInOrderOfTheirBudgets) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimRequest request;
  request.max_trials = 10;
  request.schedule = ClassSchedule{{"A", "B"}, {2, 1}};
  std::vector<std::string> classes;
  while (std::optional<ClaimedTrial> claimed = storage.ClaimTrial(study, request)) {
    classes.push_back(*claimed->class_name);
  }
  EXPECT_EQ(classes, (std::vector<std::string>{"A", "A", "B"}));
  std::vector<FrozenTrial> trials = storage.GetAllTrials(study);
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[2].ParamValue(kClassParamName), "B");
  EXPECT_EQ(TrialClassName(trials[0]), "A");
}

TEST(InMemoryStudyStorage, StaleRunningTrialsFailOnTheNextClaim) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimRequest request;
  request.max_trials = 1;
  ClaimedTrial dead = *storage.ClaimTrial(study, request);
  request.stale_after = std::chrono::seconds(1);
  EXPECT_FALSE(storage.ClaimTrial(study, request));  // heartbeat is fresh
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::optional<ClaimedTrial> retry = storage.ClaimTrial(study, request);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->failed_stale, std::vector<int64_t>{dead.number});
  EXPECT_FALSE(storage.FinishTrial(dead.trial_id, TrialState::kComplete, -1.0));
  EXPECT_EQ(storage.GetAllTrials(study)[0].state, TrialState::kFail);
}

TEST(InMemoryStudyStorage, StoresParamsValuesAndAttributes) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimedTrial t = *storage.ClaimTrial(study, ClaimRequest{5, std::nullopt, {}});
  storage.SetTrialParam(t.trial_id, "k", 12, ParamDistribution::IntUniform("k", 1, 100));
  storage.SetTrialParam(t.trial_id, "w", 1,
                        ParamDistribution::Categorical("w", {"NONE", "TF_IDF"}));
  storage.SetTrialIntermediateValue(t.trial_id, 4, -0.25);
  storage.SetTrialUserAttr(t.trial_id, "train_epochs", 5);
  ASSERT_TRUE(storage.FinishTrial(t.trial_id, TrialState::kComplete, -0.3));
  FrozenTrial stored = storage.GetAllTrials(study).at(0);
  EXPECT_EQ(stored.state, TrialState::kComplete);
  EXPECT_EQ(stored.value, -0.3);
  EXPECT_EQ(stored.ParamValue("k"), 12);
  EXPECT_EQ(stored.ParamValue("w"), "TF_IDF");
  EXPECT_EQ(stored.intermediate_values.at(4), -0.25);
  EXPECT_EQ(stored.user_attrs["train_epochs"], 5);
  EXPECT_TRUE(stored.datetime_complete);
}

TEST(InMemoryStudyStorage, ConcurrentClaimsNeverShareANumber) {
  InMemoryStudyStorage storage;
  int64_t study = storage.CreateOrLoadStudy("s");
  ClaimRequest request;
  request.max_trials = 200;
  std::mutex mutex;
  std::set<int64_t> numbers;
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      while (std::optional<ClaimedTrial> claimed = storage.ClaimTrial(study, request)) {
        std::lock_guard lock(mutex);
        EXPECT_TRUE(numbers.insert(claimed->number).second);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(numbers.size(), 200u);
  EXPECT_EQ(*numbers.rbegin(), 199);
}

TEST(TrialState, UsesOptunasNames) {
  EXPECT_STREQ(TrialStateName(TrialState::kComplete), "COMPLETE");
  EXPECT_EQ(ParseTrialState("PRUNED"), TrialState::kPruned);
  EXPECT_FALSE(ParseTrialState("pruned"));
}

}  // namespace
}  // namespace recotem::tune
