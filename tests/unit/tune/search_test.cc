#include "recotem/tune/search.h"

#include <gtest/gtest.h>

#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/algo/top_pop.h"
#include "recotem/core/errors.h"
#include "recotem/core/log.h"
#include "recotem/tune/in_memory_storage.h"
#include "recotem/tune/split.h"
#include "test_support.h"

namespace recotem::tune {
namespace {

constexpr const char* kTopPop = "TopPopRecommender";
constexpr const char* kKnn = "CosineKNNRecommender";
constexpr const char* kIals = "IALSRecommender";
constexpr const char* kSlim = "DenseSLIMRecommender";

// Users in clusters that mostly interact with their cluster's items, so
// personalised models beat popularity.
std::shared_ptr<const SearchData> ClusteredData(int n_users = 300, int n_items = 120) {
  std::mt19937_64 rng(11);
  Interactions data;
  const int n_clusters = 6;
  int per_cluster = n_items / n_clusters;
  for (int u = 0; u < n_users; ++u) {
    int cluster = u % n_clusters;
    std::uniform_int_distribution<int> own(0, per_cluster - 1), any(0, n_items - 1);
    for (int k = 0; k < 12; ++k) {
      int item = k < 10 ? cluster * per_cluster + own(rng) : any(rng);
      data.user_index.push_back(data.users.GetOrAdd("u" + std::to_string(u)));
      data.item_index.push_back(data.items.GetOrAdd("i" + std::to_string(item)));
    }
  }
  TrainValidationSplit split = SplitInteractions(data, SplitOptions{});
  return std::make_shared<const SearchData>(std::move(split.train), split.validation,
                                            split.validation_users, 10, Metric::kNdcg);
}

const log::Logger& TestLogger() {
  static const log::Logger logger("recotem.test.search");
  return logger;
}

SearchOptions Options(std::vector<ClassBudget> classes, int64_t n_trials) {
  SearchOptions options;
  options.study_name = "recotem_test_run";
  options.classes = std::move(classes);
  options.n_trials = n_trials;
  return options;
}

struct Recorded {
  std::mutex mutex;
  std::vector<TrialOutcome> outcomes;
  std::function<void(const TrialOutcome&)> Callback() {
    return [this](const TrialOutcome& o) {
      std::lock_guard lock(mutex);
      outcomes.push_back(o);
    };
  }
};

TEST(RunSearch, RunsEachClasssBudgetInRecipeOrderAndPicksTheBest) {
  InMemoryStudyStorage storage;
  Recorded recorded;
  SearchResult result = RunSearch(Options({{kTopPop, 2}, {kKnn, 4}, {kSlim, 3}}, 9), storage,
                                  ClusteredData(), TestLogger(), recorded.Callback());
  ASSERT_EQ(recorded.outcomes.size(), 9u);
  std::vector<std::string> order;
  for (const TrialOutcome& o : recorded.outcomes) order.push_back(o.class_name);
  EXPECT_EQ(order, (std::vector<std::string>{kTopPop, kTopPop, kKnn, kKnn, kKnn, kKnn, kSlim, kSlim,
                                             kSlim}));
  EXPECT_EQ(result.n_completed, 9);
  EXPECT_EQ(result.trials_done, 9);
  ASSERT_TRUE(result.best);
  double best_seen = 0;
  for (const TrialOutcome& o : recorded.outcomes) best_seen = std::max(best_seen, *o.score);
  EXPECT_DOUBLE_EQ(result.best->score, best_seen);
  EXPECT_NE(result.best->class_name, kTopPop);  // clusters: personalised models win
  EXPECT_FALSE(result.best->params.contains("recommender_class_name"));
  EXPECT_EQ(result.per_class.at(kKnn).trials, 4);
}

TEST(RunSearch, SuggestsOnlyTheClasssOwnParametersWithinTheirRanges) {
  InMemoryStudyStorage storage;
  Recorded recorded;
  RunSearch(Options({{kKnn, 12}}, 12), storage, ClusteredData(), TestLogger(), recorded.Callback());
  for (const TrialOutcome& o : recorded.outcomes) {
    ASSERT_TRUE(o.params.contains("top_k"));
    EXPECT_GE(o.params["top_k"].get<int64_t>(), 5);
    EXPECT_TRUE(o.params.contains("feature_weighting"));
    EXPECT_FALSE(o.params.contains("reg"));
  }
  // A single-class study has no class parameter.
  int64_t study = storage.CreateOrLoadStudy("recotem_test_run");
  EXPECT_FALSE(storage.GetAllTrials(study)[0].params.contains(kClassParamName));
}

TEST(RunSearch, EarlyStoppingReportsEveryFifthEpochAndKeepsTheBestEpoch) {
  InMemoryStudyStorage storage;
  SearchOptions options = Options({{kIals, 2}}, 2);
  options.early_stopping.max_epochs = 20;
  SearchResult result = RunSearch(options, storage, ClusteredData(), TestLogger());
  int64_t study = storage.CreateOrLoadStudy("recotem_test_run");
  for (const FrozenTrial& t : storage.GetAllTrials(study)) {
    ASSERT_EQ(t.state, TrialState::kComplete);
    ASSERT_FALSE(t.intermediate_values.empty());
    for (const auto& [step, value] : t.intermediate_values) EXPECT_EQ((step + 1) % 5, 0);
    int64_t epochs = t.user_attrs.at("train_epochs").get<int64_t>();
    EXPECT_EQ(epochs % 5, 0);
    EXPECT_LE(epochs, 20);
    // The trial's value is its best validation.
    double best = 0;
    for (const auto& [step, value] : t.intermediate_values) best = std::min(best, value);
    EXPECT_DOUBLE_EQ(*t.value, best);
    EXPECT_DOUBLE_EQ(t.intermediate_values.at(epochs - 1), best);
  }
  ASSERT_TRUE(result.best);
  EXPECT_TRUE(result.best->params.contains("train_epochs"));
  EXPECT_TRUE(result.best->params.contains("n_components"));
}

TEST(RunSearch, ParallelWorkersShareTheBudgetWithoutDuplicateNumbers) {
  InMemoryStudyStorage storage;
  Recorded recorded;
  SearchOptions options = Options({{kTopPop, 3}, {kKnn, 9}}, 12);
  options.parallelism = 3;
  SearchResult result =
      RunSearch(options, storage, ClusteredData(), TestLogger(), recorded.Callback());
  std::set<int64_t> numbers;
  for (const TrialOutcome& o : recorded.outcomes) numbers.insert(o.number);
  EXPECT_EQ(numbers.size(), 12u);
  EXPECT_EQ(*numbers.rbegin(), 11);
  EXPECT_EQ(result.n_completed, 12);
}

TEST(RunSearch, AResumedStudyOnlyRunsTheMissingTrials) {
  InMemoryStudyStorage storage;
  auto data = ClusteredData();
  RunSearch(Options({{kKnn, 3}}, 3), storage, data, TestLogger());
  Recorded recorded;
  SearchResult second =
      RunSearch(Options({{kKnn, 5}}, 5), storage, data, TestLogger(), recorded.Callback());
  ASSERT_EQ(recorded.outcomes.size(), 2u);
  EXPECT_EQ(recorded.outcomes[0].number, 3);
  EXPECT_EQ(second.n_completed, 5);
  EXPECT_EQ(second.trials_done, 2);
}

TEST(RunSearch, APerTrialTimeoutStopsIterativeFitsCooperatively) {
  InMemoryStudyStorage storage;
  Recorded recorded;
  SearchOptions options = Options({{kIals, 2}}, 2);
  options.per_trial_timeout = std::chrono::microseconds(1);
  SearchResult result =
      RunSearch(options, storage, ClusteredData(2000, 600), TestLogger(), recorded.Callback());
  ASSERT_EQ(recorded.outcomes.size(), 2u);
  for (const TrialOutcome& o : recorded.outcomes) EXPECT_TRUE(o.pruned);
  EXPECT_EQ(result.n_completed, 0);
  EXPECT_EQ(result.n_orphaned, 0);
  EXPECT_FALSE(result.best);
}

// TopPop behind a fit that sleeps without looking at the stop request: the
// one kind of fit the orphan path exists for, with no built-in algorithm's
// timing involved.
class StopIgnoringTopPop final : public Recommender {
 public:
  static constexpr const char* kClassName = "StopIgnoringTopPopRecommender";
  explicit StopIgnoringTopPop(const HyperParams& params) : inner_(params) {}
  const char* class_name() const override { return kClassName; }
  HyperParams params() const override { return inner_.params(); }
  void Fit(const CsrMatrix& user_items) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    inner_.Fit(user_items);
  }
  void FitWithOptions(const CsrMatrix& user_items, const FitOptions& /*options*/) override {
    Fit(user_items);
  }
  int32_t n_items() const override { return inner_.n_items(); }
  void ScoreUsers(const CsrMatrix& interactions, std::span<const int32_t> users,
                  std::span<float> out) const override {
    inner_.ScoreUsers(interactions, users, out);
  }
  void ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const override {
    inner_.ScoreProfiles(profiles, out);
  }
  void Save(TensorMap& out) const override { inner_.Save(out); }
  void Load(const TensorMap& in, int32_t n_items) override { inner_.Load(in, n_items); }

 private:
  TopPopRecommender inner_;
};

TEST(RunSearch, AFitThatIgnoresTheStopRequestIsOrphaned) {
  AlgorithmRegistry registry;
  registry.Register({StopIgnoringTopPop::kClassName,
                     {},
                     [](const HyperParams& p) { return std::make_unique<StopIgnoringTopPop>(p); },
                     {},
                     {}});
  InMemoryStudyStorage storage;
  SearchOptions options = Options({{StopIgnoringTopPop::kClassName, 1}}, 1);
  options.registry = &registry;
  options.per_trial_timeout = std::chrono::milliseconds(1);
  options.cancel_grace = std::chrono::milliseconds(1);
  testing::LogCapture logs;
  SearchResult result = RunSearch(options, storage, ClusteredData(), TestLogger());
  EXPECT_EQ(result.n_orphaned, 1);
  EXPECT_EQ(result.n_completed, 0);
  EXPECT_EQ(logs.Events("per_trial_timeout_thread_orphaned").size(), 1u);
}

TEST(RunSearch, AnUnknownClassAbortsWithUnknownAlgorithm) {
  InMemoryStudyStorage storage;
  try {
    RunSearch(Options({{"NoSuchRecommender", 2}}, 2), storage, ClusteredData(), TestLogger());
    FAIL() << "expected a TrainingError";
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "unknown_algorithm");
  }
  int64_t study = storage.CreateOrLoadStudy("recotem_test_run");
  EXPECT_EQ(storage.GetAllTrials(study).at(0).state, TrialState::kFail);
}

TEST(RunSearch, StopsStartingTrialsAfterTheTimeout) {
  InMemoryStudyStorage storage;
  SearchOptions options = Options({{kTopPop, 50}}, 50);
  options.timeout = std::chrono::seconds(0);
  SearchResult result = RunSearch(options, storage, ClusteredData(), TestLogger());
  EXPECT_EQ(result.trials_done, 0);
}

}  // namespace
}  // namespace recotem::tune
