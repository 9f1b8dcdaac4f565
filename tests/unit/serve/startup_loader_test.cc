#include "recotem/serve/startup_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "log_capture.h"
#include "test_artifacts.h"

namespace recotem::serve {
namespace {

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string RecipeYaml(const std::string& name, const std::filesystem::path& artifact) {
  return "name: " + name +
         "\nsource:\n  type: csv\n  path: /nonexistent/data.csv\n"
         "schema:\n  user_column: user\n  item_column: item\n"
         "training:\n  algorithms: [TopPop]\n"
         "output:\n  path: " +
         artifact.string() + "\n  versioning: always_overwrite\n";
}

class StartupLoaderTest : public ::testing::Test {
 protected:
  testing::LogCapture logs_;
  testing::TempDir dir_;
  KeyRing ring_ = testing::TestRing();
  ServeConfig config_;
  ModelRegistry registry_;
};

TEST_F(StartupLoaderTest, LoadsGoodRecipesAndStubsEveryFailure) {
  auto recipes = dir_ / "recipes";
  std::filesystem::create_directories(recipes);
  testing::WriteBytes(dir_ / "good.recotem", testing::TopPopArtifactBytes(ring_.active(), "good"));
  auto corrupt = testing::TopPopArtifactBytes(ring_.active(), "corrupt");
  corrupt[corrupt.size() / 2] ^= 0xff;
  testing::WriteBytes(dir_ / "corrupt.recotem", corrupt);
  WriteText(recipes / "a_good.yaml", RecipeYaml("good", dir_ / "good.recotem"));
  WriteText(recipes / "b_corrupt.yaml", RecipeYaml("corrupt", dir_ / "corrupt.recotem"));
  WriteText(recipes / "c_missing.yaml", RecipeYaml("missing", dir_ / "missing.recotem"));
  WriteText(recipes / "good.yaml", "name: [unclosed\n");  // stem collides with recipe "good"
  WriteText(recipes / "notes.txt", "ignored");

  StartupLoadResult result = LoadRecipesAtStartup(recipes, config_, &ring_, registry_);
  EXPECT_EQ(result.total, 4u);
  EXPECT_EQ(result.succeeded, 1u);
  EXPECT_EQ(result.failed, 3u);
  EXPECT_EQ(result.max_workers, 3);
  EXPECT_EQ(result.recipes.size(), 3u);

  auto good = registry_.Find("good");
  ASSERT_TRUE(good);
  EXPECT_TRUE(good->healthy());
  EXPECT_EQ(good->kid, "k1");

  auto corrupt_entry = registry_.Find("corrupt");
  ASSERT_TRUE(corrupt_entry);
  EXPECT_FALSE(corrupt_entry->loaded);
  EXPECT_EQ(corrupt_entry->last_load_error->rfind("HMAC verify failed: ", 0), 0u)
      << *corrupt_entry->last_load_error;

  auto missing = registry_.Find("missing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->last_load_error->rfind("read failed: cannot read artifact", 0), 0u);

  auto yaml_stub = registry_.Find("good_1");
  ASSERT_TRUE(yaml_stub);
  EXPECT_FALSE(yaml_stub->loaded);
  EXPECT_EQ(yaml_stub->last_load_error->rfind("YAML parse failed: ", 0), 0u);

  EXPECT_EQ(logs_.Events("recipe_yaml_parse_failed_at_startup").size(), 1u);
  auto hmac = logs_.Events("initial_artifact_hmac_failed");
  ASSERT_EQ(hmac.size(), 1u);
  EXPECT_EQ(hmac[0]["name"], "corrupt");
  EXPECT_EQ(hmac[0]["kid"], "k1");
  EXPECT_EQ(logs_.Events("initial_artifact_read_failed").size(), 1u);
  EXPECT_EQ(logs_.Events("recipe_not_loaded_at_startup").size(), 2u);
  auto loaded = logs_.Events("recipe_loaded");
  bool found = false;
  for (const auto& e : loaded) {
    if (e.contains("kid") && e["name"] == "good") {
      found = true;
      EXPECT_EQ(e["best_class"], "TopPopRecommender");
      EXPECT_EQ(e["trained_at"], "2026-01-02T03:04:05Z");
    }
  }
  EXPECT_TRUE(found);
  auto complete = logs_.Events("startup_artifact_load_complete");
  ASSERT_EQ(complete.size(), 1u);
  EXPECT_EQ(complete[0]["total_recipes"], 4);
  EXPECT_EQ(complete[0]["succeeded"], 1);
  EXPECT_EQ(complete[0]["failed"], 3);
  EXPECT_EQ(complete[0]["max_workers"], 3);
  EXPECT_TRUE(complete[0]["wall_seconds"].is_number());
}

TEST_F(StartupLoaderTest, AnEmptyDirectoryStartsWithAnEmptyRegistry) {
  StartupLoadResult result = LoadRecipesAtStartup(dir_.path(), config_, &ring_, registry_);
  EXPECT_EQ(result.total, 0u);
  EXPECT_EQ(result.max_workers, 1);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(StartupLoaderTest, WithoutARingHmacIsSkippedAndLogged) {
  KeyRing other = KeyRing::Parse("elsewhere:" + std::string(64, '9'));
  testing::WriteBytes(dir_ / "a.recotem", testing::TopPopArtifactBytes(other.active(), "a"));
  WriteText(dir_ / "a.yaml", RecipeYaml("a", dir_ / "a.recotem"));
  config_.startup_parallelism = 1;
  StartupLoadResult result = LoadRecipesAtStartup(dir_.path(), config_, nullptr, registry_);
  EXPECT_EQ(result.succeeded, 1u);
  auto skipped = logs_.Events("initial_artifact_hmac_skipped_dev");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]["kid"], "elsewhere");
}

TEST_F(StartupLoaderTest, ManyRecipesLoadInParallelIntoFileOrder) {
  config_.startup_parallelism = 4;
  for (int i = 0; i < 12; ++i) {
    std::string name = "r" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    testing::WriteBytes(dir_ / (name + ".recotem"),
                        testing::TopPopArtifactBytes(ring_.active(), name));
    WriteText(dir_ / (name + ".yaml"), RecipeYaml(name, dir_ / (name + ".recotem")));
  }
  StartupLoadResult result = LoadRecipesAtStartup(dir_.path(), config_, &ring_, registry_);
  EXPECT_EQ(result.succeeded, 12u);
  EXPECT_EQ(result.max_workers, 4);
  auto snapshot = registry_.Snapshot();
  ASSERT_EQ(snapshot.size(), 12u);
  for (size_t i = 1; i < snapshot.size(); ++i) EXPECT_LT(snapshot[i - 1]->name, snapshot[i]->name);
}

}  // namespace
}  // namespace recotem::serve
