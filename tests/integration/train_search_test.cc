// `recotem train` with a real hyperparameter search: the real binary on
// generated clustered data — trial events and their order, search failures
// and their exit codes, study storage errors, and that SIGKILL at any point
// leaves the previous artifact and pointer intact and loadable.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "log_events.h"
#include "process.h"

namespace recotem::testing {
namespace {

const std::string kKeys = "dev:" + std::string(64, '1');

// Users in 5 clusters that mostly pick their cluster's items.
std::string ClusteredCsv(int n_users) {
  std::mt19937 rng(3);
  std::string csv = "user_id,item_id\n";
  for (int u = 0; u < n_users; ++u) {
    std::uniform_int_distribution<int> own(0, 19), any(0, 99);
    for (int k = 0; k < 15; ++k) {
      int item = k < 12 ? (u % 5) * 20 + own(rng) : any(rng);
      csv += "u" + std::to_string(u) + ",i" + std::to_string(item) + "\n";
    }
  }
  return csv;
}

// Every user has 12 items nobody else has: no model can recommend a
// held-out item, so every score is exactly 0.
std::string DisjointCsv() {
  std::string csv = "user_id,item_id\n";
  for (int u = 0; u < 30; ++u) {
    for (int k = 0; k < 12; ++k) {
      csv += "u" + std::to_string(u) + ",i" + std::to_string(u * 12 + k) + "\n";
    }
  }
  return csv;
}

class TrainSearchTest : public ::testing::Test {
 protected:
  void SetUp() override { WriteTextFile(dir_ / "data.csv", ClusteredCsv(150)); }

  void WriteRecipe(const std::string& training) {
    WriteTextFile(dir_ / "recipe.yaml",
                  "name: shop\n"
                  "source:\n  type: csv\n  path: " +
                      (dir_ / "data.csv") +
                      "\n"
                      "schema:\n  user_column: user_id\n  item_column: "
                      "item_id\n"
                      "training:\n" +
                      training + "output:\n  path: " + (dir_ / "out/shop.recotem") + "\n");
  }

  ProcessResult Train(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"train", dir_ / "recipe.yaml"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRecotem(args, {{"RECOTEM_LOG_FORMAT", "json"}, {"RECOTEM_SIGNING_KEYS", kKeys}});
  }

  TempDir dir_;
};

TEST_F(TrainSearchTest, RunsEveryTrialClassByClassAndRefitsTheBest) {
  WriteRecipe(
      "  algorithms: [TopPop, CosineKNN, DenseSLIM]\n  cutoff: 10\n  n_trials: 9\n"
      "  per_algorithm_trials: {TopPop: 1}\n");
  ProcessResult r = Train({"-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Schedulers parse stderr: nothing but the JSON events.
  EXPECT_EQ(NonJsonLines(r.err), std::vector<std::string>{});
  nlohmann::json started = FindEvent(r.err, "search_started");
  EXPECT_EQ(started["algorithms"],
            nlohmann::json({"TopPopRecommender", "CosineKNNRecommender", "DenseSLIMRecommender"}));
  EXPECT_EQ(started["n_trials"], 9);
  std::vector<nlohmann::json> trials = FindEvents(r.err, "trial_done");
  ASSERT_EQ(trials.size(), 9u);
  EXPECT_EQ(trials[0]["algorithm"], "TopPopRecommender");
  EXPECT_EQ(trials[1]["algorithm"], "CosineKNNRecommender");
  EXPECT_EQ(trials[8]["algorithm"], "DenseSLIMRecommender");
  double best = 0;
  for (size_t k = 0; k < trials.size(); ++k) {
    EXPECT_EQ(trials[k]["trial"], k);
    EXPECT_TRUE(trials[k].contains("params"));
    EXPECT_EQ(trials[k]["recipe"], "shop");
    best = std::max(best, trials[k]["score"].get<double>());
  }
  EXPECT_TRUE(trials[8]["params"].contains("reg"));
  nlohmann::json complete = FindEvent(r.err, "tuning_complete");
  EXPECT_EQ(complete["n_completed"], 9);
  EXPECT_DOUBLE_EQ(complete["best_score"].get<double>(), best);
  nlohmann::json done = FindEvent(r.err, "search_done");
  EXPECT_DOUBLE_EQ(done["best_score"].get<double>(), best);
  EXPECT_NE(done["best_class"], "TopPopRecommender");
  EXPECT_EQ(FindEvent(r.err, "train_done")["trials"], 9);
  ProcessResult inspect =
      RunRecotem({"inspect", dir_ / "out/shop.recotem"}, {{"RECOTEM_SIGNING_KEYS", kKeys}});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
}

TEST_F(TrainSearchTest, QuietRunsLogNoTrials) {
  WriteRecipe("  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 3\n");
  ProcessResult r = Train({"-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(FindEvents(r.err, "trial_done").empty());
}

TEST_F(TrainSearchTest, EarlyStoppingLearnersRefitWithTheLearntEpochCount) {
  WriteRecipe("  algorithms: [IALS]\n  cutoff: 10\n  n_trials: 2\n");
  ProcessResult r = Train();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ProcessResult inspect =
      RunRecotem({"inspect", dir_ / "out/shop.recotem"}, {{"RECOTEM_SIGNING_KEYS", kKeys}});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  nlohmann::json header = nlohmann::json::parse(inspect.out.substr(inspect.out.find('{')));
  int64_t epochs = header["best_params"]["train_epochs"];
  EXPECT_EQ(epochs % 5, 0);
  EXPECT_GE(epochs, 5);
  EXPECT_LE(epochs, 128);
}

TEST_F(TrainSearchTest, AnUnknownAlgorithmExits4AfterTheDataIsRead) {
  WriteRecipe("  algorithms: [TopPop, NoSuchThing]\n  cutoff: 5\n  n_trials: 2\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_error")["code"], "unknown_algorithm");
  EXPECT_FALSE(FindEvent(r.err, "data_fetched").is_null());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/shop.recotem"));
}

TEST_F(TrainSearchTest, AZeroBestScoreExits4ExceptForTheHitMetric) {
  WriteTextFile(dir_ / "data.csv", DisjointCsv());
  WriteRecipe("  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 1\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_error")["code"], "zero_score");
  EXPECT_FALSE(FindEvent(r.err, "tuning_complete").is_null());

  WriteRecipe("  algorithms: [TopPop]\n  metric: hit\n  cutoff: 5\n  n_trials: 1\n");
  ProcessResult hit = Train();
  EXPECT_EQ(hit.exit_code, 0) << hit.err;
  EXPECT_FALSE(FindEvent(hit.err, "zero_score_hit_metric").is_null());
}

TEST_F(TrainSearchTest, CredentialsInTheStorageUrlExit4WithoutEchoingThem) {
  WriteRecipe(
      "  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 1\n"
      "  storage_path: postgresql://alice:s3cret@127.0.0.1:1/db\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_error")["code"], "search_error");
  EXPECT_FALSE(FindEvent(r.err, "tuning_aborted").is_null());
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
}

TEST_F(TrainSearchTest, ParallelismWithASqliteStudyIsClampedToOne) {
  WriteRecipe(
      "  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 2\n  parallelism: 3\n"
      "  storage_path: " +
      (dir_ / "study.db") + "\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json clamped = FindEvent(r.err, "env_var_clamped");
  EXPECT_EQ(clamped["var"], "parallelism");
  EXPECT_EQ(clamped["original"], 3);
  EXPECT_EQ(clamped["clamped"], 1);
}

TEST_F(TrainSearchTest, AnUnreachableStudyDatabaseExits1) {
  WriteRecipe(
      "  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 1\n"
      "  storage_path: postgresql://127.0.0.1:1/recotem\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json error = FindEvent(r.err, "train_error");
  EXPECT_EQ(error["code"], "internal_error");
  EXPECT_EQ(error["exit_code"], 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/shop.recotem"));
}

TEST_F(TrainSearchTest, AChecksumMismatchOnTheSourceExits7) {
  WriteRecipe("  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 1\n");
  std::string recipe = ReadTextFile(dir_ / "recipe.yaml");
  recipe.replace(recipe.find("schema:"), 0, "  sha256: " + std::string(64, 'a') + "\n");
  WriteTextFile(dir_ / "recipe.yaml", recipe);
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_error")["exit_code"], 7);
}

// Acceptance: SIGKILL at any point of a run leaves the previous artifact and
// its pointer intact and loadable.
TEST_F(TrainSearchTest, SigkillAtAnyPointLeavesThePreviousArtifactLoadable) {
  WriteTextFile(dir_ / "data.csv", ClusteredCsv(1500));
  WriteRecipe("  algorithms: [TopPop, IALS, DenseSLIM]\n  cutoff: 10\n  n_trials: 6\n");
  ASSERT_EQ(Train().exit_code, 0);
  std::string pointer = ReadTextFile(dir_ / "out/shop.recotem");
  std::string artifact = ReadTextFile(dir_ / ("out/" + pointer.substr(0, pointer.size() - 1)));
  WriteTextFile(dir_ / "data.csv", ClusteredCsv(1600));  // the next run writes a new version
  for (int delay_ms : {5, 40, 120, 300, 600, 1000, 1500}) {
    BackgroundProcess run({"train", dir_ / "recipe.yaml"},
                          {{"RECOTEM_LOG_FORMAT", "json"}, {"RECOTEM_SIGNING_KEYS", kKeys}});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    run.Stop(SIGKILL);
    std::string now = ReadTextFile(dir_ / "out/shop.recotem");
    if (now != pointer) {
      // The run finished before the kill: the new pointer must be complete.
      ASSERT_TRUE(FindEvent(run.Stderr(), "train_done").is_object()) << delay_ms;
      pointer = now;
      artifact = ReadTextFile(dir_ / ("out/" + pointer.substr(0, pointer.size() - 1)));
      continue;
    }
    EXPECT_EQ(ReadTextFile(dir_ / ("out/" + pointer.substr(0, pointer.size() - 1))), artifact);
    ProcessResult inspect =
        RunRecotem({"inspect", dir_ / "out/shop.recotem"}, {{"RECOTEM_SIGNING_KEYS", kKeys}});
    EXPECT_EQ(inspect.exit_code, 0) << "after SIGKILL at " << delay_ms << " ms: " << inspect.err;
  }
}

}  // namespace
}  // namespace recotem::testing
