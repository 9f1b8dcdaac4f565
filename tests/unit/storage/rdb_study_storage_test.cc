// RdbStudyStorage on every backend (SQLite always; PostgreSQL and MariaDB
// when their server binaries are installed): round trip of trials, claim
// numbering, budgets, class schedule, stale heartbeats, finishing, special
// values and concurrent claims from threads and a forked process.
#include "recotem/tune/storage/rdb_study_storage.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <thread>

#include "recotem/tune/storage/open_study_storage.h"
#include "test_databases.h"

namespace recotem::tune::storage {
namespace {

using testing::Backend;

constexpr double kInf = std::numeric_limits<double>::infinity();

class RdbStudyStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    database_ = testing::CreateTestDatabase(GetParam());
    if (!database_.skip_reason.empty()) GTEST_SKIP() << database_.skip_reason;
    storage_ = OpenStudyStorage(database_.url);
  }

  std::unique_ptr<StudyStorage> OpenAnother() { return OpenStudyStorage(database_.url); }

  static ClaimRequest Budget(int64_t max_trials) {
    ClaimRequest request;
    request.max_trials = max_trials;
    return request;
  }

  testing::TestDatabase database_;
  std::unique_ptr<StudyStorage> storage_;
};

TEST_P(RdbStudyStorageTest, CreateOrLoadStudyReturnsOneIdPerName) {
  int64_t a = storage_->CreateOrLoadStudy("study-a");
  int64_t b = storage_->CreateOrLoadStudy("study-b");
  EXPECT_NE(a, b);
  EXPECT_EQ(storage_->CreateOrLoadStudy("study-a"), a);
  EXPECT_EQ(OpenAnother()->CreateOrLoadStudy("study-b"), b);
}

TEST_P(RdbStudyStorageTest, TrialsRoundTripThroughANewConnection) {
  int64_t study = storage_->CreateOrLoadStudy("round-trip");
  auto claimed = storage_->ClaimTrial(study, Budget(5));
  ASSERT_TRUE(claimed);
  int64_t id = claimed->trial_id;
  storage_->SetTrialParam(id, "n_factors", 35, ParamDistribution::IntLog("n_factors", 8, 128));
  storage_->SetTrialParam(id, "reg", 0.715189366372419,
                          ParamDistribution::FloatUniform("reg", 0, 1));
  storage_->SetTrialParam(id, "lr", 1e-5, ParamDistribution::FloatLog("lr", 1e-6, 0.1));
  storage_->SetTrialParam(id, "top_k", 3, ParamDistribution::IntUniform("top_k", 1, 10));
  storage_->SetTrialParam(id, "algo", 2,
                          ParamDistribution::Categorical("algo", {"IALS", 2.5, true, 3}));
  storage_->SetTrialUserAttr(id, "train_epochs", 15);
  storage_->SetTrialUserAttr(id, "note", "héllo \"x\"");
  storage_->SetTrialUserAttr(id, "note", "overwritten");
  storage_->SetTrialIntermediateValue(id, 4, -0.25);
  storage_->SetTrialIntermediateValue(id, 9, -0.5);
  ASSERT_TRUE(storage_->FinishTrial(id, TrialState::kComplete, -0.123456789012345678));

  std::vector<FrozenTrial> trials = OpenAnother()->GetAllTrials(study);
  ASSERT_EQ(trials.size(), 1u);
  const FrozenTrial& t = trials[0];
  EXPECT_EQ(t.trial_id, id);
  EXPECT_EQ(t.number, 0);
  EXPECT_EQ(t.state, TrialState::kComplete);
  EXPECT_EQ(t.value, -0.123456789012345678);
  EXPECT_EQ(t.ParamValue("n_factors"), 35);
  EXPECT_EQ(t.ParamValue("reg"), 0.715189366372419);
  EXPECT_EQ(t.ParamValue("lr"), 1e-5);
  EXPECT_EQ(t.ParamValue("top_k"), 3);
  EXPECT_EQ(t.ParamValue("algo"), true);
  EXPECT_EQ(t.distributions.at("n_factors").kind, DistributionKind::kIntLog);
  EXPECT_EQ(t.distributions.at("lr").low, 1e-6);
  EXPECT_EQ(t.distributions.at("algo").choices.size(), 4u);
  EXPECT_EQ(t.user_attrs.at("train_epochs"), 15);
  EXPECT_EQ(t.user_attrs.at("note"), "overwritten");
  EXPECT_EQ(t.intermediate_values, (std::map<int64_t, double>{{4, -0.25}, {9, -0.5}}));
  ASSERT_TRUE(t.datetime_start && t.datetime_complete);
  EXPECT_LE(*t.datetime_start, *t.datetime_complete);
  auto age = std::chrono::system_clock::now() - *t.datetime_start;
  EXPECT_LT(std::chrono::abs(age), std::chrono::minutes(5));  // local time read back as local
}

TEST_P(RdbStudyStorageTest, ClaimsNumberTrialsPerStudyAndStopAtTheBudget) {
  int64_t a = storage_->CreateOrLoadStudy("numbers-a");
  int64_t b = storage_->CreateOrLoadStudy("numbers-b");
  for (int64_t n = 0; n < 3; ++n) {
    auto claimed = storage_->ClaimTrial(a, Budget(3));
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->number, n);
    EXPECT_FALSE(claimed->class_name);
  }
  EXPECT_FALSE(storage_->ClaimTrial(a, Budget(3)));
  EXPECT_EQ(storage_->ClaimTrial(b, Budget(3))->number, 0);
  // A resumed study with a bigger budget continues the numbering.
  EXPECT_EQ(OpenAnother()->ClaimTrial(a, Budget(4))->number, 3);
}

TEST_P(RdbStudyStorageTest, ClaimOnAnUnknownStudyThrows) {
  EXPECT_THROW(storage_->ClaimTrial(12345, Budget(1)), std::invalid_argument);
}

TEST_P(RdbStudyStorageTest, FailedTrialsDoNotCountTowardTheBudget) {
  int64_t study = storage_->CreateOrLoadStudy("budget");
  auto first = storage_->ClaimTrial(study, Budget(2));
  auto second = storage_->ClaimTrial(study, Budget(2));
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(storage_->FinishTrial(first->trial_id, TrialState::kFail, std::nullopt));
  EXPECT_TRUE(storage_->FinishTrial(second->trial_id, TrialState::kPruned, std::nullopt));
  auto third = storage_->ClaimTrial(study, Budget(2));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->number, 2);
  EXPECT_FALSE(storage_->ClaimTrial(study, Budget(2)));
}

TEST_P(RdbStudyStorageTest, ClassScheduleFillsClassesInOrderAndStoresTheClassParam) {
  int64_t study = storage_->CreateOrLoadStudy("schedule");
  ClaimRequest request = Budget(10);
  request.schedule = ClassSchedule{{"IALSRecommender", "TopPopRecommender"}, {2, 1}};
  std::vector<std::string> classes;
  while (auto claimed = storage_->ClaimTrial(study, request)) {
    ASSERT_TRUE(claimed->class_name);
    classes.push_back(*claimed->class_name);
  }
  EXPECT_EQ(classes,
            (std::vector<std::string>{"IALSRecommender", "IALSRecommender", "TopPopRecommender"}));
  std::vector<FrozenTrial> trials = storage_->GetAllTrials(study);
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[2].ParamValue(kClassParamName), "TopPopRecommender");
  EXPECT_EQ(trials[2].params.at(kClassParamName), 1.0);

  // A failed IALS trial is redone; the class is read back through the choice
  // string, so a schedule listing the classes in another order still counts
  // them right.
  ASSERT_TRUE(storage_->FinishTrial(trials[0].trial_id, TrialState::kFail, std::nullopt));
  request.schedule = ClassSchedule{{"TopPopRecommender", "IALSRecommender"}, {1, 2}};
  auto redo = storage_->ClaimTrial(study, request);
  ASSERT_TRUE(redo);
  EXPECT_EQ(*redo->class_name, "IALSRecommender");
  EXPECT_EQ(redo->number, 3);
  EXPECT_FALSE(storage_->ClaimTrial(study, request));
}

TEST_P(RdbStudyStorageTest, ClassFallsBackToTheUserAttribute) {
  int64_t study = storage_->CreateOrLoadStudy("class-attr");
  auto plain = storage_->ClaimTrial(study, Budget(10));
  ASSERT_TRUE(plain);
  storage_->SetTrialUserAttr(plain->trial_id, kClassParamName, "A");
  ClaimRequest request = Budget(10);
  request.schedule = ClassSchedule{{"A", "B"}, {1, 1}};
  EXPECT_EQ(*storage_->ClaimTrial(study, request)->class_name, "B");
  EXPECT_FALSE(storage_->ClaimTrial(study, request));
}

TEST_P(RdbStudyStorageTest, StaleRunningTrialsAreFailedByTheNextClaim) {
  int64_t study = storage_->CreateOrLoadStudy("stale");
  ClaimRequest request = Budget(2);
  request.stale_after = std::chrono::seconds(1);
  auto dead = storage_->ClaimTrial(study, request);
  auto alive = storage_->ClaimTrial(study, request);
  ASSERT_TRUE(dead && alive);
  EXPECT_FALSE(storage_->ClaimTrial(study, request));
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  storage_->RecordHeartbeat(alive->trial_id);
  auto redo = OpenAnother()->ClaimTrial(study, request);
  ASSERT_TRUE(redo);
  EXPECT_EQ(redo->number, 2);
  EXPECT_EQ(redo->failed_stale, std::vector<int64_t>{dead->number});
  EXPECT_FALSE(storage_->FinishTrial(dead->trial_id, TrialState::kComplete, 1.0));
  EXPECT_TRUE(storage_->FinishTrial(alive->trial_id, TrialState::kComplete, 1.0));
  std::vector<FrozenTrial> trials = storage_->GetAllTrials(study);
  EXPECT_EQ(trials[0].state, TrialState::kFail);
  EXPECT_FALSE(trials[0].value);
  EXPECT_TRUE(trials[0].datetime_complete);
}

TEST_P(RdbStudyStorageTest, NoStaleCheckWhenStaleAfterIsZero) {
  int64_t study = storage_->CreateOrLoadStudy("no-stale");
  ASSERT_TRUE(storage_->ClaimTrial(study, Budget(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(storage_->ClaimTrial(study, Budget(1)));
}

TEST_P(RdbStudyStorageTest, FinishTrialOnANonRunningTrialChangesNothing) {
  int64_t study = storage_->CreateOrLoadStudy("finish");
  auto claimed = storage_->ClaimTrial(study, Budget(1));
  ASSERT_TRUE(claimed);
  EXPECT_TRUE(storage_->FinishTrial(claimed->trial_id, TrialState::kPruned, -0.5));
  EXPECT_FALSE(storage_->FinishTrial(claimed->trial_id, TrialState::kComplete, 1.0));
  FrozenTrial trial = storage_->GetAllTrials(study).at(0);
  EXPECT_EQ(trial.state, TrialState::kPruned);
  EXPECT_EQ(trial.value, -0.5);
  EXPECT_THROW(storage_->FinishTrial(claimed->trial_id, TrialState::kRunning, std::nullopt),
               std::invalid_argument);
}

TEST_P(RdbStudyStorageTest, InfiniteAndNanValuesSurvive) {
  int64_t study = storage_->CreateOrLoadStudy("special");
  auto pos = storage_->ClaimTrial(study, Budget(3));
  auto neg = storage_->ClaimTrial(study, Budget(3));
  ASSERT_TRUE(pos && neg);
  storage_->SetTrialIntermediateValue(pos->trial_id, 0, std::nan(""));
  storage_->SetTrialIntermediateValue(pos->trial_id, 1, kInf);
  storage_->SetTrialIntermediateValue(pos->trial_id, 2, -kInf);
  ASSERT_TRUE(storage_->FinishTrial(pos->trial_id, TrialState::kComplete, kInf));
  ASSERT_TRUE(storage_->FinishTrial(neg->trial_id, TrialState::kComplete, -kInf));
  std::vector<FrozenTrial> trials = OpenAnother()->GetAllTrials(study);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].value, kInf);
  EXPECT_EQ(trials[1].value, -kInf);
  EXPECT_TRUE(std::isnan(trials[0].intermediate_values.at(0)));
  EXPECT_EQ(trials[0].intermediate_values.at(1), kInf);
  EXPECT_EQ(trials[0].intermediate_values.at(2), -kInf);
}

// Claims until the budget is spent, finishing each trial; returns the numbers.
std::vector<int64_t> ClaimAll(StudyStorage& storage, const std::string& study_name,
                              int64_t max_trials) {
  int64_t study = storage.CreateOrLoadStudy(study_name);
  ClaimRequest request;
  request.max_trials = max_trials;
  std::vector<int64_t> numbers;
  while (auto claimed = storage.ClaimTrial(study, request)) {
    numbers.push_back(claimed->number);
    storage.FinishTrial(claimed->trial_id, TrialState::kComplete, -1.0 * claimed->number);
  }
  return numbers;
}

TEST_P(RdbStudyStorageTest, ConcurrentClaimsFromThreadsAndAProcessAreUniqueAndExact) {
  constexpr int kThreads = 4;
  constexpr int64_t kMaxTrials = 60;
  const std::string study = "concurrent";
  std::string child_out = testing::MakeTempDir() + "/child.txt";
  pid_t child = fork();
  if (child == 0) {
    int code = 0;
    try {
      std::ofstream out(child_out);
      for (int64_t n : ClaimAll(*OpenAnother(), study, kMaxTrials)) out << n << "\n";
    } catch (const std::exception& e) {
      std::ofstream(child_out + ".err") << e.what();
      code = 1;
    }
    _exit(code);
  }
  std::vector<std::vector<int64_t>> per_thread(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        per_thread[t] = ClaimAll(*OpenAnother(), study, kMaxTrials);
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << std::ifstream(child_out + ".err").rdbuf();
  for (const std::string& error : errors) EXPECT_EQ(error, "");

  std::vector<int64_t> all;
  for (const auto& numbers : per_thread) all.insert(all.end(), numbers.begin(), numbers.end());
  std::ifstream in(child_out);
  for (int64_t n; in >> n;) all.push_back(n);
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(kMaxTrials);
  for (int64_t n = 0; n < kMaxTrials; ++n) expected[static_cast<size_t>(n)] = n;
  EXPECT_EQ(all, expected);
  std::vector<FrozenTrial> trials = storage_->GetAllTrials(storage_->CreateOrLoadStudy(study));
  ASSERT_EQ(trials.size(), static_cast<size_t>(kMaxTrials));
  for (const FrozenTrial& trial : trials) EXPECT_EQ(trial.state, TrialState::kComplete);
}

TEST_P(RdbStudyStorageTest, OneStorageIsSafeAcrossThreads) {
  int64_t study = storage_->CreateOrLoadStudy("shared");
  std::vector<std::thread> threads;
  std::atomic<int> claimed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (auto trial = storage_->ClaimTrial(study, Budget(20))) {
        storage_->SetTrialParam(trial->trial_id, "x", 0.5,
                                ParamDistribution::FloatUniform("x", 0, 1));
        storage_->FinishTrial(trial->trial_id, TrialState::kComplete, 0.5);
        ++claimed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(claimed.load(), 20);
  EXPECT_EQ(storage_->GetAllTrials(study).size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, RdbStudyStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres, Backend::kMysql),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(testing::BackendName(info.param));
                         });

}  // namespace
}  // namespace recotem::tune::storage
