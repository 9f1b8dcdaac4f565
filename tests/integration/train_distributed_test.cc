// Many `recotem train` workers on one study (issue #6 acceptance 2 and 3): two
// processes with the same --run-id against one PostgreSQL database, one
// MariaDB database and one SQLite file share the trial pool — exactly
// n_trials finished trials, no duplicate numbers, one best — and Debian's
// Optuna reads the study `recotem train` wrote. The database servers are
// private ones this binary starts on loopback (tests/unit/storage/
// test_databases.h); a backend whose server binaries are absent is skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "log_events.h"
#include "process.h"
#include "recotem/tune/storage/open_study_storage.h"
#include "test_databases.h"

namespace recotem::testing {
namespace {

namespace db = tune::storage::testing;

const std::string kKeys = "dev:" + std::string(64, '2');
constexpr int kTrials = 12;

std::string ClusteredCsv() {
  std::mt19937 rng(5);
  std::string csv = "user_id,item_id\n";
  for (int u = 0; u < 200; ++u) {
    std::uniform_int_distribution<int> own(0, 19), any(0, 99);
    for (int k = 0; k < 15; ++k) {
      int item = k < 12 ? (u % 5) * 20 + own(rng) : any(rng);
      csv += "u" + std::to_string(u) + ",i" + std::to_string(item) + "\n";
    }
  }
  return csv;
}

class TrainDistributedTest : public ::testing::TestWithParam<db::Backend> {
 protected:
  void SetUp() override {
    database_ = db::CreateTestDatabase(GetParam());
    if (!database_.skip_reason.empty()) GTEST_SKIP() << database_.skip_reason;
    WriteTextFile(dir_ / "data.csv", ClusteredCsv());
    for (const char* worker : {"a", "b"}) {
      WriteTextFile(dir_ / (std::string(worker) + ".yaml"),
                    "name: shop\n"
                    "source:\n  type: csv\n  path: " +
                        (dir_ / "data.csv") +
                        "\n"
                        "schema:\n  user_column: user_id\n  item_column: item_id\n"
                        "training:\n  algorithms: [TopPop, CosineKNN, DenseSLIM]\n  cutoff: 10\n"
                        "  n_trials: " +
                        std::to_string(kTrials) + "\n  storage_path: " + database_.url +
                        "\n"
                        "output:\n  path: " +
                        (dir_ / (std::string(worker) + "/shop.recotem")) + "\n");
    }
  }

  std::map<std::string, std::string> Env() const {
    return {{"RECOTEM_LOG_FORMAT", "json"}, {"RECOTEM_SIGNING_KEYS", kKeys}};
  }

  std::vector<tune::FrozenTrial> StudyTrials(const std::string& run_id) const {
    std::unique_ptr<tune::StudyStorage> storage = tune::storage::OpenStudyStorage(database_.url);
    return storage->GetAllTrials(storage->CreateOrLoadStudy("recotem_shop_" + run_id));
  }

  db::TestDatabase database_;
  TempDir dir_;
};

TEST_P(TrainDistributedTest, TwoWorkersShareOneTrialPool) {
  // Two recipes that differ only in their output, so the per-recipe lock
  // (next to the artifact) lets both run at once, as on two machines.
  BackgroundProcess a({"train", dir_ / "a.yaml", "--run-id", "shared"}, Env());
  BackgroundProcess b({"train", dir_ / "b.yaml", "--run-id", "shared"}, Env());
  auto wait = [](BackgroundProcess& p) {
    for (int k = 0; k < 1200 && p.Running(); ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return p.Stop(SIGKILL);
  };
  ASSERT_EQ(wait(a), 0) << a.Stderr();
  ASSERT_EQ(wait(b), 0) << b.Stderr();

  std::vector<tune::FrozenTrial> trials = StudyTrials("shared");
  std::set<int64_t> numbers;
  int64_t finished = 0;
  for (const tune::FrozenTrial& t : trials) {
    EXPECT_TRUE(numbers.insert(t.number).second) << "duplicate trial number " << t.number;
    if (t.state == tune::TrialState::kComplete || t.state == tune::TrialState::kPruned) {
      ++finished;
    }
  }
  EXPECT_EQ(finished, kTrials);
  size_t logged =
      FindEvents(a.Stderr(), "trial_done").size() + FindEvents(b.Stderr(), "trial_done").size();
  EXPECT_EQ(logged, static_cast<size_t>(kTrials));
  nlohmann::json done_a = FindEvent(a.Stderr(), "search_done");
  nlohmann::json done_b = FindEvent(b.Stderr(), "search_done");
  EXPECT_EQ(done_a["best_score"], done_b["best_score"]);
  EXPECT_EQ(done_a["best_class"], done_b["best_class"]);
  EXPECT_EQ(done_a["n_completed"], kTrials);
}

TEST_P(TrainDistributedTest, ARerunWithTheSameRunIdResumesWithoutNewTrials) {
  ASSERT_EQ(RunRecotem({"train", dir_ / "a.yaml", "--run-id", "again"}, Env()).exit_code, 0);
  ProcessResult second = RunRecotem({"train", dir_ / "a.yaml", "--run-id", "again"}, Env());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(FindEvents(second.err, "trial_done").empty());
  EXPECT_EQ(FindEvent(second.err, "search_done")["n_completed"], kTrials);
  EXPECT_EQ(StudyTrials("again").size(), static_cast<size_t>(kTrials));
}

// Debian's Optuna loads the study `recotem train` wrote and agrees on the
// number of trials, the best value and the best parameters.
TEST_P(TrainDistributedTest, OptunaReadsTheStudyTrainWrote) {
  if (db::RunCommand("/usr/bin/python3 -c 'import optuna' 2>/dev/null").status != 0) {
    GTEST_SKIP() << "Debian's python3-optuna is not installed";
  }
  ProcessResult run = RunRecotem({"train", dir_ / "a.yaml", "--run-id", "optuna", "-v"}, Env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string script =
      "import json, optuna\n"
      "optuna.logging.set_verbosity(optuna.logging.WARNING)\n"
      "s = optuna.load_study(study_name='recotem_shop_optuna', storage='" +
      database_.python_url +
      "')\n"
      "print(json.dumps({'n': len(s.trials), 'best': s.best_value, 'params': s.best_params}))\n";
  WriteTextFile(dir_ / "load.py", script);
  db::CommandResult loaded = db::RunCommand("/usr/bin/python3 " + (dir_ / "load.py") + " 2>&1");
  if (loaded.status != 0 && loaded.out.find("No module named") != std::string::npos) {
    GTEST_SKIP() << "Optuna's database driver is missing: " << loaded.out;
  }
  ASSERT_EQ(loaded.status, 0) << loaded.out;
  nlohmann::json optuna = nlohmann::json::parse(loaded.out.substr(loaded.out.rfind("{\"n\"")));
  nlohmann::json done = FindEvent(run.err, "search_done");
  EXPECT_EQ(optuna["n"], kTrials);
  EXPECT_DOUBLE_EQ(optuna["best"].get<double>(), -done["best_score"].get<double>());
  EXPECT_EQ(optuna["params"]["recommender_class_name"], done["best_class"]);
  // The best trial's suggested parameters, as trial_done -v logged them.
  for (const nlohmann::json& trial : FindEvents(run.err, "trial_done")) {
    if (trial["score"] != done["best_score"]) continue;
    for (const auto& [name, value] : trial["params"].items()) {
      EXPECT_EQ(optuna["params"][name], value) << name;
    }
  }
}

// We resume a study Optuna wrote: its trials count towards the budget, feed
// the search and can be the best (the refit then uses their parameters).
TEST_P(TrainDistributedTest, ResumesAStudyOptunaWrote) {
  if (db::RunCommand("/usr/bin/python3 -c 'import optuna' 2>/dev/null").status != 0) {
    GTEST_SKIP() << "Debian's python3-optuna is not installed";
  }
  WriteTextFile(dir_ / "write.py",
                "import json, optuna\n"
                "optuna.logging.set_verbosity(optuna.logging.WARNING)\n"
                "s = optuna.create_study(study_name='recotem_slim_resume', direction='minimize', "
                "storage='" +
                    database_.python_url +
                    "')\n"
                    "def objective(t):\n"
                    "    t.suggest_float('reg', 1.0, 10000.0, log=True)\n"
                    "    return [-0.1, -0.99, -0.2][t.number]\n"
                    "s.optimize(objective, n_trials=3)\n"
                    "print(json.dumps(s.best_params))\n");
  db::CommandResult written = db::RunCommand("/usr/bin/python3 " + (dir_ / "write.py") + " 2>&1");
  if (written.status != 0 && written.out.find("No module named") != std::string::npos) {
    GTEST_SKIP() << "Optuna's database driver is missing: " << written.out;
  }
  ASSERT_EQ(written.status, 0) << written.out;
  double optuna_reg = nlohmann::json::parse(written.out.substr(written.out.rfind('{')))["reg"];
  WriteTextFile(dir_ / "slim.yaml",
                "name: slim\n"
                "source:\n  type: csv\n  path: " +
                    (dir_ / "data.csv") +
                    "\n"
                    "schema:\n  user_column: user_id\n  item_column: item_id\n"
                    "training:\n  algorithms: [DenseSLIM]\n  cutoff: 10\n"
                    "  n_trials: 5\n  storage_path: " +
                    database_.url + "\noutput:\n  path: " + (dir_ / "slim/slim.recotem") + "\n");
  ProcessResult run = RunRecotem({"train", dir_ / "slim.yaml", "--run-id", "resume"}, Env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> trials = FindEvents(run.err, "trial_done");
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0]["trial"], 3);
  EXPECT_EQ(trials[1]["trial"], 4);
  nlohmann::json done = FindEvent(run.err, "search_done");
  EXPECT_EQ(done["n_completed"], 5);
  EXPECT_DOUBLE_EQ(done["best_score"].get<double>(), 0.99);
  ProcessResult inspect =
      RunRecotem({"inspect", dir_ / "slim/slim.recotem"}, {{"RECOTEM_SIGNING_KEYS", kKeys}});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  nlohmann::json header = nlohmann::json::parse(inspect.out.substr(inspect.out.find('{')));
  EXPECT_DOUBLE_EQ(header["best_params"]["reg"].get<double>(), optuna_reg);
}

INSTANTIATE_TEST_SUITE_P(Backends, TrainDistributedTest,
                         ::testing::Values(db::Backend::kSqlite, db::Backend::kPostgres,
                                           db::Backend::kMysql),
                         [](const auto& info) { return std::string(db::BackendName(info.param)); });

}  // namespace
}  // namespace recotem::testing
