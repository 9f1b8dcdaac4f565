#include "recotem/serve/artifact_watcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>

#include "log_capture.h"
#include "test_artifacts.h"

namespace recotem::serve {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void WriteText(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string RecipeYaml(const std::string& name, const fs::path& artifact,
                       const std::string& extra = "") {
  return "name: " + name +
         "\nsource:\n  type: csv\n  path: /nonexistent/data.csv\n"
         "schema:\n  user_column: user\n  item_column: item\n"
         "training:\n  algorithms: [TopPop]\n" +
         extra + "output:\n  path: " + artifact.string() + "\n  versioning: always_overwrite\n";
}

std::string MetadataYaml(const fs::path& csv, const std::string& fields) {
  return "item_metadata:\n  type: csv\n  path: " + csv.string() + "\n  fields: [" + fields + "]\n";
}

// Bumps a file's mtime so a same-second rewrite is still seen as a change.
void BumpMtime(const fs::path& path, int seconds) {
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(seconds));
}

class ArtifactWatcherTest : public ::testing::Test {
 protected:
  ArtifactWatcherTest() {
    fs::create_directories(recipes_);
    config_.watch_interval_seconds = 1.0;
  }

  std::vector<uint8_t> Artifact(const std::string& recipe, const std::string& trained_at) {
    return testing::TopPopArtifactBytes(ring_.active(), recipe,
                                        testing::TopPopHeaderJson(recipe, trained_at));
  }

  void WriteArtifact(const std::string& name, const std::string& trained_at, int bump = 0) {
    fs::path path = dir_ / (name + ".recotem");
    testing::WriteBytes(path, Artifact(name, trained_at));
    if (bump != 0) {
      BumpMtime(path, bump);
    }
  }

  void AddRecipe(const std::string& name, const std::string& extra = "") {
    WriteText(recipes_ / (name + ".yaml"), RecipeYaml(name, dir_ / (name + ".recotem"), extra));
  }

  std::unique_ptr<ArtifactWatcher> Start(WatcherOptions options = {}) {
    options.interval_seconds = config_.watch_interval_seconds;
    StartupLoadResult startup =
        LoadRecipesAtStartup(recipes_, config_, &ring_, registry_, &metrics_);
    return std::make_unique<ArtifactWatcher>(recipes_, config_, &ring_, registry_, metrics_,
                                             startup, std::move(options));
  }

  std::string TrainedAt(const std::string& name) {
    auto entry = registry_.Find(name);
    return entry && entry->model ? entry->model->HeaderString("trained_at").value_or("") : "";
  }

  testing::LogCapture logs_;
  testing::TempDir dir_;
  fs::path recipes_ = dir_ / "recipes";
  KeyRing ring_ = testing::TestRing();
  ServeConfig config_;
  ModelRegistry registry_;
  ServeMetrics metrics_;
};

TEST_F(ArtifactWatcherTest, FirstTickDoesNotReloadWhatStartupLoaded) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  auto before = registry_.Find("news");
  ASSERT_TRUE(before->healthy());
  watcher->Tick();
  EXPECT_EQ(registry_.Find("news"), before);
  EXPECT_TRUE(logs_.Events("artifact_hot_swapped").empty());
}

TEST_F(ArtifactWatcherTest, ChangedArtifactIsSwappedAndCounted) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  WriteArtifact("news", "2026-02-02T00:00:00Z", 5);
  watcher->Tick();
  EXPECT_EQ(TrainedAt("news"), "2026-02-02T00:00:00Z");
  EXPECT_TRUE(registry_.Find("news")->healthy());
  auto swapped = logs_.Events("artifact_hot_swapped");
  ASSERT_EQ(swapped.size(), 1u);
  EXPECT_EQ(swapped[0]["name"], "news");
  EXPECT_EQ(swapped[0]["trained_at"], "2026-02-02T00:00:00Z");
  EXPECT_EQ(metrics_.ForRecipe("news")->swap_ok.load(), 1u);
  EXPECT_EQ(metrics_.ForRecipe("news")->model_loaded.load(), 1);
}

TEST_F(ArtifactWatcherTest, CorruptArtifactKeepsTheServingModelAndRetriesEveryTick) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  auto serving = registry_.Find("news")->model;
  auto corrupt = Artifact("news", "2026-03-03T00:00:00Z");
  corrupt[corrupt.size() / 2] ^= 0xff;
  testing::WriteBytes(dir_ / "news.recotem", corrupt);
  BumpMtime(dir_ / "news.recotem", 5);
  watcher->Tick();
  watcher->Tick();
  auto entry = registry_.Find("news");
  EXPECT_EQ(entry->model, serving);
  EXPECT_TRUE(entry->loaded);
  ASSERT_TRUE(entry->last_load_error);
  EXPECT_NE(entry->last_load_error->find("HMAC"), std::string::npos) << *entry->last_load_error;
  EXPECT_EQ(logs_.Events("artifact_load_failed").size(), 2u);
  EXPECT_EQ(metrics_.ForRecipe("news")->swap_error.load(), 2u);
  EXPECT_EQ(metrics_.ForRecipe("news")
                ->load_failures[static_cast<size_t>(LoadFailureReason::kHmac)]
                .load(),
            2u);
  // A good artifact clears the error (the new entry has none).
  WriteArtifact("news", "2026-04-04T00:00:00Z", 10);
  watcher->Tick();
  EXPECT_TRUE(registry_.Find("news")->healthy());
  EXPECT_EQ(TrainedAt("news"), "2026-04-04T00:00:00Z");
}

TEST_F(ArtifactWatcherTest, SameContentWithANewMtimeIsNotRebuilt) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  auto before = registry_.Find("news");
  WriteArtifact("news", "2026-01-01T00:00:00Z", 5);
  watcher->Tick();
  EXPECT_EQ(registry_.Find("news"), before);
  EXPECT_TRUE(logs_.Events("artifact_hot_swapped").empty());
}

TEST_F(ArtifactWatcherTest, NewRecipeIsDiscoveredAndLoadedInTheSameTick) {
  auto watcher = Start();
  WriteArtifact("fresh", "2026-01-01T00:00:00Z");
  AddRecipe("fresh");
  watcher->Tick();
  ASSERT_TRUE(registry_.Find("fresh"));
  EXPECT_TRUE(registry_.Find("fresh")->healthy());
  EXPECT_EQ(logs_.Events("recipe_discovered").size(), 1u);
  EXPECT_EQ(metrics_.active_recipes.load(), 1);
}

TEST_F(ArtifactWatcherTest, NewRecipeWithoutArtifactIsAnUnloadedEntryWithAnError) {
  auto watcher = Start();
  AddRecipe("pending");
  watcher->Tick();
  auto entry = registry_.Find("pending");
  ASSERT_TRUE(entry);
  EXPECT_FALSE(entry->loaded);
  EXPECT_EQ(entry->last_load_error, kArtifactMissingError);
  // It loads as soon as the artifact appears.
  WriteArtifact("pending", "2026-01-01T00:00:00Z");
  watcher->Tick();
  EXPECT_TRUE(registry_.Find("pending")->healthy());
}

TEST_F(ArtifactWatcherTest, DeletedYamlRemovesTheEntryAndRestoringBringsItBack) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  fs::remove(recipes_ / "news.yaml");
  watcher->Tick();
  EXPECT_FALSE(registry_.Find("news"));
  EXPECT_EQ(metrics_.ForRecipe("news")->model_loaded.load(), 0);
  EXPECT_EQ(logs_.Events("recipe_removed").size(), 1u);
  AddRecipe("news");
  watcher->Tick();
  ASSERT_TRUE(registry_.Find("news"));
  EXPECT_TRUE(registry_.Find("news")->healthy());
}

TEST_F(ArtifactWatcherTest, DeletedArtifactMarksTheErrorOnceAndRestoringClearsIt) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  auto bytes = Artifact("news", "2026-01-01T00:00:00Z");
  fs::remove(dir_ / "news.recotem");
  watcher->Tick();
  watcher->Tick();
  auto entry = registry_.Find("news");
  EXPECT_TRUE(entry->loaded);
  EXPECT_EQ(entry->last_load_error, kArtifactMissingError);
  EXPECT_EQ(logs_.Events("artifact_disappeared").size(), 1u);
  EXPECT_EQ(metrics_.ForRecipe("news")
                ->load_failures[static_cast<size_t>(LoadFailureReason::kRead)]
                .load(),
            2u);
  testing::WriteBytes(dir_ / "news.recotem", bytes);  // the same artifact comes back
  watcher->Tick();
  EXPECT_TRUE(registry_.Find("news")->healthy());
  EXPECT_EQ(registry_.Find("news")->model, entry->model);
}

TEST_F(ArtifactWatcherTest, YamlBrokenOnRescanKeepsServingWithAnError) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  WriteText(recipes_ / "news.yaml", "name: [unclosed\n");
  BumpMtime(recipes_ / "news.yaml", 5);
  watcher->Tick();
  auto entry = registry_.Find("news");
  EXPECT_TRUE(entry->loaded);
  ASSERT_TRUE(entry->last_load_error);
  EXPECT_TRUE(entry->last_load_error->starts_with("recipe YAML parse error on rescan: "));
  EXPECT_EQ(metrics_.ForRecipe("news")->rescan_errors.load(), 1u);
  EXPECT_EQ(logs_.Events("recipe_rescan_load_error").size(), 1u);
}

TEST_F(ArtifactWatcherTest, BrokenNewYamlIsOneStubUntilFixed) {
  auto watcher = Start();
  WriteText(recipes_ / "later.yaml", "name: [unclosed\n");
  watcher->Tick();
  watcher->Tick();
  ASSERT_EQ(registry_.size(), 1u);
  auto stub = registry_.Find("later");
  ASSERT_TRUE(stub);
  EXPECT_FALSE(stub->loaded);
  EXPECT_TRUE(stub->last_load_error->starts_with("YAML parse failed: "));
  WriteArtifact("later", "2026-01-01T00:00:00Z");
  AddRecipe("later");
  BumpMtime(recipes_ / "later.yaml", 5);
  watcher->Tick();
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_TRUE(registry_.Find("later")->healthy());
  EXPECT_EQ(logs_.Events("recipe_yaml_failure_recovered").size(), 1u);
}

TEST_F(ArtifactWatcherTest, ADuplicateRecipeNameIsSkippedAndReportedOnlyOnce) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  WriteText(recipes_ / "z_copy.yaml", RecipeYaml("news", dir_ / "other.recotem"));
  auto watcher = Start();
  watcher->Tick();
  size_t after_first_tick = logs_.Events("recipe_duplicate_name_skipped").size();
  watcher->Tick();
  watcher->Tick();
  EXPECT_EQ(logs_.Events("recipe_duplicate_name_skipped").size(), after_first_tick);
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_EQ(registry_.Find("news")->artifact_path, (dir_ / "news.recotem").string());
}

TEST_F(ArtifactWatcherTest, EditedRecipeYamlReloadsMetadataEvenWithTheSameArtifact) {
  WriteText(dir_ / "items.csv", "item_id,title,genre\ni0,Zero,a\ni1,One,b\n");
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news", MetadataYaml(dir_ / "items.csv", "title"));
  auto watcher = Start();
  ASSERT_TRUE(registry_.Find("news")->metadata);
  EXPECT_EQ(registry_.Find("news")->metadata->fields(), std::vector<std::string>{"title"});
  AddRecipe("news", MetadataYaml(dir_ / "items.csv", "title, genre"));
  BumpMtime(recipes_ / "news.yaml", 5);
  watcher->Tick();
  auto entry = registry_.Find("news");
  ASSERT_TRUE(entry->metadata);
  EXPECT_EQ(entry->metadata->fields(), (std::vector<std::string>{"title", "genre"}));
  EXPECT_EQ(logs_.Events("recipe_rescan_updated").size(), 1u);
}

TEST_F(ArtifactWatcherTest, MetadataFailureOnSwapKeepsThePreviousEntry) {
  WriteText(dir_ / "items.csv", "item_id,title\ni0,Zero\n");
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news", MetadataYaml(dir_ / "items.csv", "title"));
  auto watcher = Start();
  auto before = registry_.Find("news");
  WriteText(dir_ / "items.csv", "other,title\nx,y\n");  // no item_id column now
  WriteArtifact("news", "2026-05-05T00:00:00Z", 5);
  watcher->Tick();
  auto entry = registry_.Find("news");
  EXPECT_EQ(entry->model, before->model);
  ASSERT_TRUE(entry->last_load_error);
  EXPECT_TRUE(entry->last_load_error->starts_with("MetadataLoadError: "))
      << *entry->last_load_error;
}

TEST_F(ArtifactWatcherTest, HungStatTimesOutWithoutBlockingTheTick) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> released = release->get_future().share();
  auto hang = std::make_shared<std::atomic<bool>>(false);
  WatcherOptions options;
  options.stat = [released, hang](const std::string& path) {
    if (hang->load()) {
      released.wait();
    }
    return StatLocalArtifact(path);
  };
  auto watcher = Start(options);
  hang->store(true);
  auto started = std::chrono::steady_clock::now();
  watcher->Tick();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  auto entry = registry_.Find("news");
  EXPECT_TRUE(entry->loaded);
  EXPECT_EQ(entry->last_load_error, "stat timeout after 1s");
  EXPECT_EQ(logs_.Events("artifact_stat_timeout").size(), 1u);
  release->set_value();
}

TEST_F(ArtifactWatcherTest, StatErrorIsReportedWithItsClassAndDemotedWhenRepeated) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto fail = std::make_shared<std::atomic<bool>>(false);
  WatcherOptions options;
  options.stat = [fail](const std::string& path) {
    if (fail->load()) {
      return StatOutcome{std::nullopt, false, "PermissionError", "Permission denied"};
    }
    return StatLocalArtifact(path);
  };
  auto watcher = Start(options);
  fail->store(true);
  watcher->Tick();
  watcher->Tick();
  EXPECT_EQ(registry_.Find("news")->last_load_error, "stat failed: PermissionError");
  EXPECT_EQ(logs_.Events("artifact_stat_failed").size(), 1u);
  EXPECT_EQ(metrics_.ForRecipe("news")->stat_failures.load(), 2u);
}

TEST_F(ArtifactWatcherTest, FiveFailedTicksMarkEveryRecipeUnhealthyUntilRecovery) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  AddRecipe("stub");  // no artifact: a real error that recovery must keep
  auto failing = std::make_shared<std::atomic<bool>>(true);
  WatcherOptions options;
  options.on_tick = [failing] {
    if (failing->load()) {
      throw std::runtime_error("disk on fire");
    }
  };
  auto watcher = Start(options);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(watcher->RunTick());
  }
  EXPECT_FALSE(registry_.Find("news")->last_load_error);
  ASSERT_TRUE(watcher->RunTick());
  EXPECT_EQ(registry_.Find("news")->last_load_error, kWatcherUnhealthyError);
  EXPECT_EQ(registry_.Find("stub")->last_load_error, kWatcherUnhealthyError);
  EXPECT_EQ(logs_.Events("artifact_watcher_unhealthy").size(), 1u);
  EXPECT_EQ(metrics_.watcher_unhandled_errors.load(), 5u);
  failing->store(false);
  ASSERT_TRUE(watcher->RunTick());
  EXPECT_FALSE(registry_.Find("news")->last_load_error);
  EXPECT_TRUE(registry_.Find("news")->loaded);
  EXPECT_EQ(registry_.Find("stub")->last_load_error, kArtifactMissingError);
  EXPECT_EQ(logs_.Events("artifact_watcher_recovery").size(), 1u);
}

TEST_F(ArtifactWatcherTest, ThreadSwapsWithinAnIntervalAndStopsPromptly) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  watcher->Start();
  WriteArtifact("news", "2026-06-06T00:00:00Z", 5);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (TrainedAt("news") != "2026-06-06T00:00:00Z" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(TrainedAt("news"), "2026-06-06T00:00:00Z");
  auto stop_started = std::chrono::steady_clock::now();
  watcher->Stop();
  EXPECT_TRUE(watcher->Join(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 1s);
  EXPECT_EQ(logs_.Events("artifact_watcher_stopped").size(), 1u);
}

TEST_F(ArtifactWatcherTest, ReadersNeverSeeAHalfLoadedModelDuringSwaps) {
  WriteArtifact("news", "2026-01-01T00:00:00Z");
  AddRecipe("news");
  auto watcher = Start();
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  readers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto entry = registry_.Find("news");
        if (!entry || !entry->loaded || !entry->model ||
            !entry->model->RecommendForUser("u0", 3).has_value()) {
          bad.fetch_add(1);
        }
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    WriteArtifact("news", "2026-01-0" + std::to_string(i % 9 + 1) + "T00:00:00Z", 10 + i);
    watcher->Tick();
  }
  done.store(true);
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace recotem::serve
