#include "recotem/serve/verified_key_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "recotem/serve/bounded_lru.h"

namespace recotem::serve {
namespace {

TEST(BoundedLru, EvictsTheLeastRecentlyUsedEntry) {
  BoundedLru<std::string, int> lru(2);
  EXPECT_TRUE(lru.Put("a", 1));
  EXPECT_TRUE(lru.Put("b", 2));
  ASSERT_NE(lru.Get("a"), nullptr);  // "b" is now the oldest
  EXPECT_TRUE(lru.Put("c", 3));
  EXPECT_TRUE(lru.Contains("a"));
  EXPECT_FALSE(lru.Contains("b"));
  EXPECT_TRUE(lru.Contains("c"));
  EXPECT_EQ(lru.size(), 2u);
}

TEST(BoundedLru, PutOfAnExistingKeyOverwritesWithoutGrowing) {
  BoundedLru<std::string, int> lru(2);
  lru.Put("a", 1);
  EXPECT_FALSE(lru.Put("a", 5));
  EXPECT_EQ(*lru.Get("a"), 5);
  EXPECT_EQ(lru.size(), 1u);
}

TEST(VerifiedKeyCache, RemembersTheRingIndexOfAVerifiedHeader) {
  VerifiedKeyCache cache;
  EXPECT_EQ(cache.capacity(), 1024u);
  EXPECT_EQ(cache.Lookup("key-one"), std::nullopt);
  cache.InsertVerified("key-one", 3);
  EXPECT_EQ(cache.Lookup("key-one"), std::optional<size_t>(3));
  EXPECT_EQ(cache.Lookup("key-one "), std::nullopt);  // exact bytes only
}

TEST(VerifiedKeyCache, IsBoundedAndEvictsTheLeastRecentlyUsed) {
  VerifiedKeyCache cache(3);
  cache.InsertVerified("k0", 0);
  cache.InsertVerified("k1", 1);
  cache.InsertVerified("k2", 2);
  ASSERT_TRUE(cache.Lookup("k0"));  // k1 becomes the oldest
  cache.InsertVerified("k3", 3);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.Lookup("k0"));
  EXPECT_FALSE(cache.Lookup("k1"));
  EXPECT_TRUE(cache.Lookup("k3"));
}

TEST(VerifiedKeyCache, StaysWithinItsBoundUnderConcurrentInserts) {
  VerifiedKeyCache cache(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        std::string key = "key-" + std::to_string(t) + "-" + std::to_string(i);
        cache.InsertVerified(key, static_cast<size_t>(t));
        auto hit = cache.Lookup(key);
        if (hit) {
          EXPECT_EQ(*hit, static_cast<size_t>(t));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.size(), 64u);
}

}  // namespace
}  // namespace recotem::serve
