// Interoperation with Optuna itself (Debian's python3-optuna, run through
// /usr/bin/python3): Optuna loads, ranks and continues a study Recotem wrote,
// and Recotem reads and continues a study Optuna wrote, on every backend
// whose Python driver is installed. Skips when Optuna is not installed.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "recotem/tune/storage/open_study_storage.h"
#include "test_databases.h"

namespace recotem::tune::storage {
namespace {

using testing::Backend;

constexpr const char* kPython = "/usr/bin/python3";

// Loads a study, optionally runs TPE trials on it, prints its trials as JSON.
constexpr const char* kReadStudyScript = R"PY(
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, name, extra = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = optuna.load_study(storage=url, study_name=name)
def objective(trial):
    trial.suggest_int("n_factors", 8, 128, log=True)
    trial.suggest_float("reg", 0.0, 1.0)
    trial.suggest_float("lr", 1e-4, 0.1, log=True)
    trial.suggest_categorical("algo", ["IALS", "TopPop", 3, True])
    return 1.0
if extra:
    study.optimize(objective, n_trials=extra)
best = study.best_trial
print(json.dumps({
    "n_trials": len(study.trials),
    "best_number": best.number, "best_value": best.value, "best_params": best.params,
    "best_user_attrs": best.user_attrs,
    "states": [t.state.name for t in study.trials],
    "values": [t.value for t in study.trials],
    "intermediate": {str(k): v for k, v in study.trials[0].intermediate_values.items()},
}))
)PY";

// Runs a seeded TPE study with every parameter kind and a pruned trial, and
// prints its trials as JSON.
constexpr const char* kWriteStudyScript = R"PY(
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
url, name = sys.argv[1], sys.argv[2]
study = optuna.create_study(storage=url, study_name=name,
                            sampler=optuna.samplers.TPESampler(seed=7, n_startup_trials=3))
def objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    trial.suggest_float("lr", 1e-4, 0.1, log=True)
    n = trial.suggest_int("n", 1, 10)
    trial.suggest_int("k", 8, 128, log=True)
    trial.suggest_categorical("c", ["b", "a", 3, True, 2.5])
    trial.set_user_attr("recommender_class_name", "IALSRecommender")
    trial.set_user_attr("train_epochs", trial.number * 5)
    trial.report(x * x, 0)
    trial.report(x * x + 1, 5)
    if trial.number == 3:
        raise optuna.TrialPruned()
    return x * x + n
study.optimize(objective, n_trials=8)
print(json.dumps([{
    "number": t.number, "state": t.state.name, "value": t.value, "params": t.params,
    "user_attrs": t.user_attrs,
    "intermediate": {str(k): v for k, v in t.intermediate_values.items()},
} for t in study.trials]))
)PY";

std::string PythonModuleFor(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "optuna";
    case Backend::kPostgres:
      return "optuna, psycopg2";
    case Backend::kMysql:
      return "optuna, pymysql";
  }
  return "optuna";
}

class OptunaInteropTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string modules = PythonModuleFor(GetParam());
    if (testing::RunCommand(std::string(kPython) + " -c 'import " + modules + "' 2>/dev/null")
            .status != 0) {
      GTEST_SKIP() << kPython << " cannot import " << modules
                   << " (install python3-optuna, python3-psycopg2, python3-pymysql)";
    }
    database_ = testing::CreateTestDatabase(GetParam());
    if (!database_.skip_reason.empty()) GTEST_SKIP() << database_.skip_reason;
    script_dir_ = testing::MakeTempDir();
  }

  // Runs `script` with arguments; returns its stdout parsed as JSON.
  nlohmann::json RunPython(const char* script, const std::vector<std::string>& args) {
    std::string path = script_dir_ + "/script.py";
    std::ofstream(path) << script;
    std::string command = std::string(kPython) + " " + path;
    for (const std::string& arg : args) command += " '" + arg + "'";
    testing::CommandResult result = testing::RunCommand(command + " 2>" + path + ".err");
    std::ifstream err(path + ".err");
    std::string err_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    EXPECT_EQ(result.status, 0) << err_text;
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  testing::TestDatabase database_;
  std::string script_dir_;
};

// A study with COMPLETE and PRUNED trials, every parameter kind,
// intermediate values and user attributes; trial 2 is the best.
void WriteRecotemStudy(StudyStorage& storage, const std::string& name) {
  int64_t study = storage.CreateOrLoadStudy(name);
  ClaimRequest request;
  request.max_trials = 10;
  const double values[] = {-0.3, -0.1, -0.5};
  const TrialState states[] = {TrialState::kComplete, TrialState::kPruned, TrialState::kComplete};
  for (int i = 0; i < 3; ++i) {
    int64_t id = storage.ClaimTrial(study, request)->trial_id;
    storage.SetTrialParam(id, "n_factors", 35 + i, ParamDistribution::IntLog("n_factors", 8, 128));
    storage.SetTrialParam(id, "reg", 0.25 * i, ParamDistribution::FloatUniform("reg", 0, 1));
    storage.SetTrialParam(id, "lr", 0.004430375245218268 / (i + 1),
                          ParamDistribution::FloatLog("lr", 1e-4, 0.1));
    storage.SetTrialParam(id, "algo", i,
                          ParamDistribution::Categorical("algo", {"IALS", "TopPop", 3, true}));
    storage.SetTrialUserAttr(id, "train_epochs", 10 * i);
    storage.SetTrialUserAttr(id, "recommender_class_name", "IALSRecommender");
    storage.SetTrialIntermediateValue(id, 4, values[i] / 2);
    storage.SetTrialIntermediateValue(id, 9, values[i]);
    storage.FinishTrial(id, states[i], values[i]);
  }
}

TEST_P(OptunaInteropTest, OptunaReadsRanksAndContinuesARecotemStudy) {
  WriteRecotemStudy(*OpenStudyStorage(database_.url), "recotem_written");
  nlohmann::json read = RunPython(kReadStudyScript, {database_.python_url, "recotem_written", "0"});
  ASSERT_TRUE(read.is_object()) << read;
  EXPECT_EQ(read["n_trials"], 3);
  EXPECT_EQ(read["best_number"], 2);
  EXPECT_EQ(read["best_value"], -0.5);
  EXPECT_EQ(read["best_params"],
            nlohmann::json::parse(
                R"({"n_factors": 37, "reg": 0.5, "lr": 0.0014767917484060893, "algo": 3})"));
  EXPECT_EQ(read["best_user_attrs"],
            nlohmann::json::parse(
                R"({"train_epochs": 20, "recommender_class_name": "IALSRecommender"})"));
  EXPECT_EQ(read["states"], nlohmann::json::parse(R"(["COMPLETE", "PRUNED", "COMPLETE"])"));
  EXPECT_EQ(read["values"], nlohmann::json::parse("[-0.3, -0.1, -0.5]"));
  EXPECT_EQ(read["intermediate"], nlohmann::json::parse(R"({"4": -0.15, "9": -0.3})"));

  // Optuna adds two trials; we see them with the next numbers and claim on.
  nlohmann::json continued =
      RunPython(kReadStudyScript, {database_.python_url, "recotem_written", "2"});
  EXPECT_EQ(continued["n_trials"], 5);
  auto storage = OpenStudyStorage(database_.url);
  int64_t study = storage->CreateOrLoadStudy("recotem_written");
  std::vector<FrozenTrial> trials = storage->GetAllTrials(study);
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(trials[4].number, 4);
  EXPECT_EQ(trials[4].state, TrialState::kComplete);
  EXPECT_EQ(trials[4].value, 1.0);
  EXPECT_EQ(trials[4].distributions.at("algo").choices.size(), 4u);
  ClaimRequest request;
  request.max_trials = 6;
  EXPECT_EQ(storage->ClaimTrial(study, request)->number, 5);
}

TEST_P(OptunaInteropTest, RecotemReadsAndContinuesAnOptunaStudy) {
  nlohmann::json written = RunPython(kWriteStudyScript, {database_.python_url, "optuna_written"});
  ASSERT_TRUE(written.is_array() && written.size() == 8) << written;
  auto storage = OpenStudyStorage(database_.url);
  int64_t study = storage->CreateOrLoadStudy("optuna_written");
  std::vector<FrozenTrial> trials = storage->GetAllTrials(study);
  ASSERT_EQ(trials.size(), 8u);
  for (size_t i = 0; i < trials.size(); ++i) {
    const nlohmann::json& expected = written[i];
    const FrozenTrial& trial = trials[i];
    SCOPED_TRACE("trial " + std::to_string(i));
    EXPECT_EQ(trial.number, expected["number"]);
    EXPECT_EQ(TrialStateName(trial.state), expected["state"].get<std::string>());
    if (expected["value"].is_null()) {
      EXPECT_FALSE(trial.value);
    } else {
      EXPECT_EQ(trial.value, expected["value"].get<double>());
    }
    for (const auto& [name, value] : expected["params"].items()) {
      EXPECT_EQ(trial.ParamValue(name), value) << name;
    }
    EXPECT_EQ(trial.params.size(), expected["params"].size());
    EXPECT_EQ(nlohmann::json(trial.user_attrs), expected["user_attrs"]);
    for (const auto& [step, value] : expected["intermediate"].items()) {
      EXPECT_EQ(trial.intermediate_values.at(std::stoll(step)), value.get<double>());
    }
    EXPECT_TRUE(trial.datetime_start && trial.datetime_complete);
  }
  EXPECT_EQ(trials[3].state, TrialState::kPruned);
  EXPECT_EQ(trials[0].distributions.at("c").choices,
            (std::vector<nlohmann::json>{"b", "a", 3, true, 2.5}));

  // The class counts come from the user attribute; numbering continues.
  ClaimRequest request;
  request.max_trials = 20;
  request.schedule = ClassSchedule{{"IALSRecommender", "TopPopRecommender"}, {8, 5}};
  auto claimed = storage->ClaimTrial(study, request);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->number, 8);
  EXPECT_EQ(*claimed->class_name, "TopPopRecommender");
}

INSTANTIATE_TEST_SUITE_P(AllBackends, OptunaInteropTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres, Backend::kMysql),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(testing::BackendName(info.param));
                         });

}  // namespace
}  // namespace recotem::tune::storage
