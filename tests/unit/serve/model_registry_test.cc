#include "recotem/serve/model_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_models.h"

namespace recotem::serve {
namespace {

TEST(ModelRegistry, ReplaceInsertsInOrderAndReplacesInPlace) {
  ModelRegistry registry;
  registry.Replace(RegistryEntry::Stub("b", "/b.recotem", "boom"));
  registry.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a"), "/a.recotem"));
  registry.Replace(RegistryEntry::Loaded("b", testing::MakeServingModel("b"), "/b.recotem"));
  auto snapshot = registry.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0]->name, "b");
  EXPECT_TRUE(snapshot[0]->loaded);
  EXPECT_FALSE(snapshot[0]->last_load_error);
  EXPECT_EQ(snapshot[1]->name, "a");
}

TEST(ModelRegistry, LoadedEntryCarriesHeaderKidAndMarker) {
  ModelRegistry registry;
  registry.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a", "kid-7"), "/a"));
  auto entry = registry.Find("a");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->kid, "kid-7");
  EXPECT_EQ(entry->header["recipe_name"], "a");
  ASSERT_TRUE(entry->marker);
  EXPECT_EQ(entry->marker->sha256_hex, std::string(64, 'a'));
  EXPECT_TRUE(entry->healthy());
  EXPECT_EQ(registry.Find("missing"), nullptr);
}

TEST(ModelRegistry, SetLoadErrorKeepsTheModelServing) {
  ModelRegistry registry;
  registry.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a"), "/a"));
  auto before = registry.Find("a");
  EXPECT_TRUE(registry.SetLoadError("a", "watcher unhealthy"));
  auto after = registry.Find("a");
  EXPECT_TRUE(after->loaded);
  EXPECT_EQ(after->model, before->model);
  EXPECT_EQ(after->last_load_error, "watcher unhealthy");
  EXPECT_FALSE(after->healthy());
  EXPECT_FALSE(before->last_load_error);  // snapshots already taken are immutable
  EXPECT_TRUE(registry.SetLoadError("a", std::nullopt));
  EXPECT_TRUE(registry.Find("a")->healthy());
  EXPECT_FALSE(registry.SetLoadError("nope", "x"));
}

TEST(ModelRegistry, RemoveDropsOnlyThatEntry) {
  ModelRegistry registry;
  registry.Replace(RegistryEntry::Stub("a", "", "e"));
  registry.Replace(RegistryEntry::Stub("b", "", std::nullopt));
  registry.Replace(RegistryEntry::Stub("c", "", std::nullopt));
  EXPECT_TRUE(registry.Remove("b"));
  EXPECT_FALSE(registry.Remove("b"));
  auto snapshot = registry.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0]->name, "a");
  EXPECT_EQ(snapshot[1]->name, "c");
  EXPECT_EQ(registry.Find("c")->name, "c");
}

TEST(ModelRegistry, ReadersSeeWholeEntriesWhileWritersSwap) {
  ModelRegistry registry;
  auto m1 = testing::MakeServingModel("r", "kid-1");
  auto m2 = testing::MakeServingModel("r", "kid-2");
  registry.Replace(RegistryEntry::Loaded("r", m1, "/r"));
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto entry = registry.Find("r");
        ASSERT_TRUE(entry);
        // Entry fields always belong together: the kid is the model's kid.
        ASSERT_EQ(entry->kid, entry->model->kid());
        ASSERT_TRUE(entry->model->RecommendForUser("u1", 3));
        ++reads;
      }
    });
  }
  // Keep swapping until the readers have really overlapped with the writer
  // (a fast Release build could otherwise finish before any reader starts).
  for (int i = 0; i < 2000 || reads.load() < 1000; ++i) {
    registry.Replace(RegistryEntry::Loaded("r", i % 2 ? m1 : m2, "/r"));
    registry.SetLoadError("r", i % 3 ? std::optional<std::string>("e") : std::nullopt);
  }
  registry.Replace(RegistryEntry::Loaded("r", m2, "/r"));
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(registry.Find("r")->kid, "kid-2");
}

}  // namespace
}  // namespace recotem::serve
