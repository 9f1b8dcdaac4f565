#include "recotem/serve/authenticator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "log_capture.h"
#include "recotem/core/api_key_hash.h"
#include "recotem/core/hashing.h"

namespace recotem::serve {
namespace {

const std::string kQuickstartKey = "recotem-quickstart-demo-key-0000";
const std::string kQuickstartHash =
    "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125";
const std::string kZerosKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const std::string kZerosHash = "daeaa714f4814def44897437629e6dcdf5109f340a1c32e280d49d8e7963939f";
const std::string kCountingKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const std::string kCountingHash =
    "27439cd9b9a91728b2a1ba0d2e47bce6eaff30bbe8c800de23151370dbff8c45";

// Counts hash calls and remembers their inputs, delegating to ApiKeyHash.
struct HashSpy {
  std::atomic<int> calls{0};
  std::vector<std::string> inputs;
  std::mutex mu;
  ApiKeyHashFn Fn() {
    return [this](std::string_view key) {
      ++calls;
      std::lock_guard<std::mutex> lock(mu);
      inputs.emplace_back(key);
      return ApiKeyHash(key);
    };
  }
};

ApiKeyRing QuickstartRing() { return ApiKeyRing::Parse("dev:sha256:" + kQuickstartHash); }

TEST(ApiKeyHashVectors, MatchTheAuthSpec) {
  EXPECT_EQ(ApiKeyHash(kQuickstartKey), kQuickstartHash);
  EXPECT_EQ(ApiKeyHash(kZerosKey), kZerosHash);
  EXPECT_EQ(ApiKeyHash(kCountingKey), kCountingHash);
}

TEST(Authenticator, AcceptsTheQuickstartKeyAndReportsItsKid) {
  Authenticator auth(QuickstartRing(), false);
  AuthOutcome outcome = auth.Authenticate(&kQuickstartKey, "/predict/x", "127.0.0.1");
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.kid, "dev");
}

TEST(Authenticator, RejectsAPlainSha256OfTheKeyConfiguredAsTheHash) {
  // sha256(plaintext) is not the scrypt digest: configuring it must not match.
  std::string plain = Sha256Hex(std::string_view(kQuickstartKey));
  ASSERT_EQ(plain, "1e58df0f288c901f1b864e0152e23ef2fbeed4a5434afa2a0ee044eaba03c980");
  Authenticator auth(ApiKeyRing::Parse("dev:sha256:" + plain), false);
  EXPECT_EQ(auth.Authenticate(&kQuickstartKey, "/models", "h").status, AuthStatus::kInvalidKey);
}

TEST(Authenticator, AnyOfSeveralKeysAuthenticatesAndAnUnconfiguredOneDoesNot) {
  Authenticator auth(ApiKeyRing::Parse("a:sha256:" + kQuickstartHash + ",b:sha256:" + kZerosHash +
                                       ",c:sha256:" + kCountingHash),
                     false);
  EXPECT_EQ(auth.Authenticate(&kZerosKey, "/models", "h").kid, "b");
  EXPECT_EQ(auth.Authenticate(&kCountingKey, "/models", "h").kid, "c");
  std::string fourth(43, 'Z');
  EXPECT_EQ(auth.Authenticate(&fourth, "/models", "h").status, AuthStatus::kInvalidKey);
}

TEST(Authenticator, FirstMatchingKidWinsForADuplicateHash) {
  Authenticator auth(
      ApiKeyRing::Parse("first:sha256:" + kQuickstartHash + ",second:sha256:" + kQuickstartHash),
      false);
  EXPECT_EQ(auth.Authenticate(&kQuickstartKey, "/models", "h").kid, "first");
}

TEST(Authenticator, WhitespaceAroundTheKeyIsPartOfTheKey) {
  Authenticator auth(QuickstartRing(), false);
  std::string padded = " " + kQuickstartKey;
  std::string trailing = kQuickstartKey + "\t";
  EXPECT_EQ(auth.Authenticate(&padded, "/models", "h").status, AuthStatus::kInvalidKey);
  EXPECT_EQ(auth.Authenticate(&trailing, "/models", "h").status, AuthStatus::kInvalidKey);
}

TEST(Authenticator, MissingHeaderRunsOneDummyHashOf256NulBytes) {
  testing::LogCapture logs;
  HashSpy spy;
  Authenticator auth(QuickstartRing(), false, spy.Fn());
  AuthOutcome outcome = auth.Authenticate(nullptr, "/models", "h");
  EXPECT_EQ(outcome.status, AuthStatus::kMissingKey);
  ASSERT_EQ(spy.calls.load(), 1);
  EXPECT_EQ(spy.inputs[0], std::string(256, '\0'));
  auto events = logs.Events("auth_missing_header");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["path"], "/models");
  EXPECT_EQ(events[0]["level"], "warning");
}

TEST(Authenticator, ShortAndEmptyKeysAreRejectedLikeAWrongKeyAfterOneDummyHash) {
  testing::LogCapture logs;
  HashSpy spy;
  Authenticator auth(QuickstartRing(), false, spy.Fn());
  std::string empty;
  std::string short_key(31, 'a');
  EXPECT_EQ(auth.Authenticate(&empty, "/p", "h").status, AuthStatus::kInvalidKey);
  EXPECT_EQ(auth.Authenticate(&short_key, "/p", "h").status, AuthStatus::kInvalidKey);
  ASSERT_EQ(spy.calls.load(), 2);
  EXPECT_EQ(spy.inputs[0], std::string(256, '\0'));
  EXPECT_EQ(spy.inputs[1], std::string(256, '\0'));
  auto events = logs.Events("auth_short_key_rejected");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["length"], 31);
  EXPECT_EQ(events[1]["min_len"], 32);
}

TEST(Authenticator, A257ByteKeyIsRejectedBeforeHashingAnd256IsHashed) {
  testing::LogCapture logs;
  HashSpy spy;
  Authenticator auth(QuickstartRing(), false, spy.Fn());
  std::string oversized(257, 'k');
  EXPECT_EQ(auth.Authenticate(&oversized, "/p", "h").status, AuthStatus::kInvalidKey);
  ASSERT_EQ(spy.calls.load(), 1);
  EXPECT_EQ(spy.inputs[0], std::string(256, '\0'));
  auto oversized_events = logs.Events("auth_oversized_header");
  ASSERT_EQ(oversized_events.size(), 1u);
  EXPECT_EQ(oversized_events[0]["length"], 257);
  EXPECT_EQ(oversized_events[0]["cap"], 256);

  std::string longest(256, 'k');
  EXPECT_EQ(auth.Authenticate(&longest, "/p", "h").status, AuthStatus::kInvalidKey);
  ASSERT_EQ(spy.calls.load(), 2);
  EXPECT_EQ(spy.inputs[1], longest);  // the real header was hashed, not the dummy
  EXPECT_EQ(logs.Events("auth_invalid_key").size(), 1u);
}

TEST(Authenticator, EventsNeverContainTheKeyOrItsDigest) {
  testing::LogCapture logs;
  Authenticator auth(QuickstartRing(), false);
  std::string wrong = "wrong-key-wrong-key-wrong-key-wrong-key";
  std::string short_key = "tiny-secret";
  auth.Authenticate(&wrong, "/models", "h");
  auth.Authenticate(&short_key, "/models", "h");
  std::string all = logs.All();
  EXPECT_EQ(all.find(wrong), std::string::npos);
  EXPECT_EQ(all.find(short_key), std::string::npos);
  EXPECT_EQ(all.find(ApiKeyHash(wrong)), std::string::npos);
  EXPECT_NE(all.find("auth_invalid_key"), std::string::npos);
}

TEST(Authenticator, AValidKeyIsHashedOnceThenServedFromTheCache) {
  HashSpy spy;
  Authenticator auth(QuickstartRing(), false, spy.Fn());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth.Authenticate(&kQuickstartKey, "/p", "h").kid, "dev");
  }
  EXPECT_EQ(spy.calls.load(), 1);
  EXPECT_EQ(auth.cache().size(), 1u);
}

TEST(Authenticator, WrongKeysAreNeverCachedAndPayTheHashEveryTime) {
  HashSpy spy;
  Authenticator auth(QuickstartRing(), false, spy.Fn());
  std::string wrong(40, 'w');
  for (int i = 0; i < 3; ++i) auth.Authenticate(&wrong, "/p", "h");
  EXPECT_EQ(spy.calls.load(), 3);
  EXPECT_EQ(auth.cache().size(), 0u);
}

TEST(Authenticator, NoKeysMeansEveryRequestIsAnonymousWithoutHashing) {
  HashSpy spy;
  Authenticator auth(ApiKeyRing(), false, spy.Fn());
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.Authenticate(nullptr, "/p", "10.0.0.1").kid, "anonymous");
  std::string garbage = "x";
  EXPECT_TRUE(auth.Authenticate(&garbage, "/p", "10.0.0.1").ok());
  EXPECT_EQ(spy.calls.load(), 0);
}

TEST(Authenticator, InsecureNoAuthOverridesConfiguredKeys) {
  Authenticator auth(QuickstartRing(), true);
  EXPECT_FALSE(auth.enabled());
  AuthOutcome outcome = auth.Authenticate(nullptr, "/predict/x", "10.0.0.1");
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.kid, "anonymous");
}

TEST(Authenticator, FirstSeenIsLoggedOncePerHost) {
  testing::LogCapture logs;
  Authenticator auth(ApiKeyRing(), false);
  auth.Authenticate(nullptr, "/models", "10.0.0.1");
  auth.Authenticate(nullptr, "/models", "10.0.0.1");
  auth.Authenticate(nullptr, "/health/details", "10.0.0.2");
  auth.Authenticate(nullptr, "/models", "");
  auto events = logs.Events("auth_anonymous_bypass_first_seen");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["client_host"], "10.0.0.1");
  EXPECT_EQ(events[0]["path"], "/models");
  EXPECT_EQ(events[0]["level"], "info");
  EXPECT_EQ(events[1]["client_host"], "10.0.0.2");
  EXPECT_EQ(events[2]["client_host"], "unknown");
  EXPECT_TRUE(logs.Events("auth_anonymous_bypass").empty());  // DEBUG is below the minimum level
}

TEST(Authenticator, FirstSeenSetIsAnLruOf1024Hosts) {
  testing::LogCapture logs;
  Authenticator auth(ApiKeyRing(), false);
  for (int i = 0; i < 1024; ++i) auth.Authenticate(nullptr, "/p", "h" + std::to_string(i));
  auth.Authenticate(nullptr, "/p", "h0");     // refresh h0: h1 is now the oldest
  auth.Authenticate(nullptr, "/p", "h1024");  // evicts h1
  EXPECT_EQ(logs.Events("auth_anonymous_bypass_first_seen").size(), 1025u);
  auth.Authenticate(nullptr, "/p", "h0");  // still remembered
  EXPECT_EQ(logs.Events("auth_anonymous_bypass_first_seen").size(), 1025u);
  auth.Authenticate(nullptr, "/p", "h1");  // evicted: first seen again
  EXPECT_EQ(logs.Events("auth_anonymous_bypass_first_seen").size(), 1026u);
}

TEST(Authenticator, ConcurrentRequestsAreSafe) {
  testing::LogCapture logs;  // keeps the warnings off stderr
  Authenticator auth(QuickstartRing(), false);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string wrong = "wrong-key-" + std::to_string(t) + "-" + std::string(30, 'x');
        if (auth.Authenticate(&kQuickstartKey, "/p", "h").ok()) ++ok;
        EXPECT_FALSE(auth.Authenticate(&wrong, "/p", "h").ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 800);
}

}  // namespace
}  // namespace recotem::serve
