// `recotem train` end to end: the real binary on generated CSV data — exit
// codes, the event sequence and train_error fields, append_sha versioning,
// the lock, and that a failed run never touches the previous artifact.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "log_events.h"
#include "process.h"

namespace recotem::testing {
namespace {

const std::string kDevKeys = "dev:" + std::string(64, '0');

class TrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = "user_id,item_id\n";
    for (int u = 0; u < 30; ++u) {
      // 12 distinct items per user, so a 10 % hold-out keeps one per user.
      for (int k = 0; k < 12; ++k) {
        csv += "u" + std::to_string(u) + ",i" + std::to_string((u + k * 7) % 41) + "\n";
      }
    }
    WriteTextFile(dir_ / "data.csv", csv);
    WriteRecipe("");
  }

  void WriteRecipe(const std::string& extra_cleansing, const std::string& user_column = "user_id") {
    WriteTextFile(dir_ / "recipe.yaml",
                  "name: shop\n"
                  "source:\n  type: csv\n  path: " +
                      (dir_ / "data.csv") +
                      "\n"
                      "schema:\n  user_column: " +
                      user_column +
                      "\n  item_column: item_id\n"
                      "cleansing:\n  dedup: keep_last\n" +
                      extra_cleansing +
                      "training:\n  algorithms: [TopPop]\n  cutoff: 5\n  n_trials: 2\n"
                      "output:\n  path: " +
                      (dir_ / "out/shop.recotem") + "\n");
  }

  ProcessResult Train(std::map<std::string, std::string> env = {},
                      std::vector<std::string> extra = {}) {
    env.emplace("RECOTEM_LOG_FORMAT", "json");
    env.emplace("RECOTEM_SIGNING_KEYS", kDevKeys);
    std::vector<std::string> args = {"train", dir_ / "recipe.yaml"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRecotem(args, env);
  }

  std::vector<std::string> VersionedFiles() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "out")) {
      std::string name = entry.path().filename();
      if (name.size() == std::string("shop.12345678.recotem").size() &&
          name.rfind("shop.", 0) == 0) {
        out.push_back(name);
      }
    }
    return out;
  }

  TempDir dir_;
};

TEST_F(TrainTest, SucceedsWithTheEventsInOrderAndWritesAVersionedArtifact) {
  ProcessResult r = Train();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected = {
      "signing_keyring_built", "training_started", "fetching_data",        "data_fetched",
      "data_cleansed",         "splitting_data",   "split_done",           "search_started",
      "tuning_complete",       "search_done",      "training_final_model", "final_model_trained",
      "artifact_written",      "train_done"};
  std::vector<std::string> names;
  for (const std::string& n : EventNames(r.err)) {
    if (std::find(expected.begin(), expected.end(), n) != expected.end()) names.push_back(n);
  }
  EXPECT_EQ(names, expected);
  nlohmann::json done = FindEvent(r.err, "train_done");
  EXPECT_EQ(done["best_class"], "TopPopRecommender");
  EXPECT_EQ(done["kid"], "dev");
  EXPECT_EQ(done["trials"], 2);
  EXPECT_EQ(done["n_users"], 30);
  std::string pointer = ReadTextFile(dir_ / "out/shop.recotem");
  ASSERT_EQ(VersionedFiles().size(), 1u);
  EXPECT_EQ(pointer, VersionedFiles()[0] + "\n");
  EXPECT_EQ(std::filesystem::status(dir_ / ("out/" + VersionedFiles()[0])).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(TrainTest, TwoRunsWithNewDataLeaveTwoVersionsAndPointToTheNewer) {
  ASSERT_EQ(Train().exit_code, 0);
  std::string first = ReadTextFile(dir_ / "out/shop.recotem");
  WriteTextFile(dir_ / "data.csv", ReadTextFile(dir_ / "data.csv") + "u99,i1\nu99,i2\n");
  ASSERT_EQ(Train().exit_code, 0);
  std::string second = ReadTextFile(dir_ / "out/shop.recotem");
  EXPECT_NE(first, second);
  EXPECT_EQ(VersionedFiles().size(), 2u);
}

TEST_F(TrainTest, MissingSigningKeysExit8WithSigningKeyMissing) {
  ProcessResult r = Train({{"RECOTEM_SIGNING_KEYS", ""}});
  EXPECT_EQ(r.exit_code, 8) << r.err;
  nlohmann::json err = FindEvent(r.err, "train_error");
  ASSERT_FALSE(err.is_null());
  EXPECT_EQ(err["code"], "signing_key_missing");
  EXPECT_EQ(err["exit_code"], 8);
}

TEST_F(TrainTest, MalformedSigningKeysExit5) {
  ProcessResult r = Train({{"RECOTEM_SIGNING_KEYS", "dev:zz"}});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_EQ(r.err.find("zz"), std::string::npos) << "key material echoed: " << r.err;
}

TEST_F(TrainTest, MissingColumnExit3) {
  WriteRecipe("", "customer");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_error")["code"], "datasource_error");
}

TEST_F(TrainTest, MinDataViolationExit4WithCountsAndThresholds) {
  ASSERT_EQ(Train().exit_code, 0);
  std::string pointer_before = ReadTextFile(dir_ / "out/shop.recotem");
  WriteRecipe("  min_rows: 100000\n  min_users: 3\n");
  ProcessResult r = Train();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  nlohmann::json err = FindEvent(r.err, "train_error");
  EXPECT_EQ(err["code"], "min_data_violation");
  EXPECT_EQ(err["name"], "shop");
  EXPECT_EQ(err["kid"], "dev");
  EXPECT_EQ(err["min_rows"], 100000);
  EXPECT_EQ(err["min_users"], 3);
  EXPECT_FALSE(err.contains("min_items"));
  EXPECT_EQ(err["n_users"], 30);
  EXPECT_TRUE(err.contains("run_id"));
  EXPECT_TRUE(err.contains("trained_at"));
  EXPECT_EQ(err["recipe_hash"], "[REDACTED-HEX64]");
  EXPECT_EQ(ReadTextFile(dir_ / "out/shop.recotem"), pointer_before);
  EXPECT_EQ(VersionedFiles().size(), 1u);
}

TEST_F(TrainTest, ContendedLockSkipsWithExit0OrExits6WhenAsked) {
  std::filesystem::create_directories(dir_ / "out");
  int fd = ::open((dir_ / "out/shop.recotem.lock").c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ProcessResult skipped = Train();
  EXPECT_EQ(skipped.exit_code, 0);
  EXPECT_FALSE(FindEvent(skipped.err, "recipe_lock_contended_skipping").is_null());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/shop.recotem"));
  ProcessResult busy = Train({}, {"--fail-on-busy"});
  EXPECT_EQ(busy.exit_code, 6);
  EXPECT_EQ(FindEvent(busy.err, "train_error")["code"], "lock_contested");
  ProcessResult timed = Train({}, {"--lock-timeout", "0.3"});
  EXPECT_EQ(timed.exit_code, 6);
  EXPECT_EQ(FindEvent(timed.err, "train_error")["code"], "lock_timeout");
  ::close(fd);
  EXPECT_EQ(Train({}, {"--lock-timeout", "5"}).exit_code, 0);
}

TEST_F(TrainTest, UsageErrorsExit2And8) {
  EXPECT_EQ(RunRecotem({"train", dir_ / "missing.yaml"}).exit_code, 2);
  EXPECT_EQ(Train({}, {"--lock-timeout", "-2"}).exit_code, 8);
  EXPECT_EQ(Train({}, {"--run-id", "bad id!"}).exit_code, 2);
  EXPECT_EQ(Train({}, {"--env-var", "NOEQUALS"}).exit_code, 2);
  EXPECT_EQ(Train({}, {"--dev-allow-unsigned"}).exit_code, 8);
  EXPECT_EQ(Train({{"RECOTEM_ENV", "production"}},
                  {"--dev-allow-unsigned", "--i-understand-this-loads-arbitrary-code"})
                .exit_code,
            8);
}

TEST_F(TrainTest, DevAllowUnsignedSignsWithTheDevKey) {
  ProcessResult r = Train({{"RECOTEM_ENV", "development"}, {"RECOTEM_SIGNING_KEYS", ""}},
                          {"--dev-allow-unsigned", "--i-understand-this-loads-arbitrary-code"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FindEvent(r.err, "train_done")["kid"], "dev");
}

}  // namespace
}  // namespace recotem::testing
