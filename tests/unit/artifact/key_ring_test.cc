#include "recotem/artifact/key_ring.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "artifact_test_support.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

using ::recotem::testing::kDevRing;
using ::recotem::testing::LogCapture;
using ::recotem::testing::ScopedEnv;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kKeyA(64, 'a');  // 32 bytes of 0xaa
const std::string kKeyB(64, 'b');

std::string ParseError(const std::string& value) {
  try {
    KeyRing::Parse(value);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  ADD_FAILURE() << "KeyRing::Parse accepted '" << value << "'";
  return "";
}

TEST(KeyRing, ParsesTheDevKeyAsKidDevWithThirtyTwoZeroBytes) {
  KeyRing ring = KeyRing::Parse(kDevRing);
  ASSERT_EQ(ring.keys().size(), 1u);
  EXPECT_EQ(ring.active().kid, "dev");
  EXPECT_EQ(ring.active().key, (std::array<uint8_t, 32>{}));
  EXPECT_EQ(KeyRing::Fingerprint(ring.active().key), "66687aad");
}

TEST(KeyRing, DevKeyEqualsTheParsedDevEntry) {
  KeyRing dev = KeyRing::DevKey();
  KeyRing parsed = KeyRing::Parse(kDevRing);
  EXPECT_EQ(dev.active().kid, parsed.active().kid);
  EXPECT_EQ(dev.active().key, parsed.active().key);
}

TEST(KeyRing, FingerprintIsSha256PrefixOfRawKeyBytes) {
  std::array<uint8_t, 32> key{};
  for (size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<uint8_t>(i);
  }
  EXPECT_EQ(KeyRing::Fingerprint(key), "630dcd29");
  EXPECT_EQ(KeyRing::Fingerprint(key), Sha256Hex(std::span<const uint8_t>(key)).substr(0, 8));
}

TEST(KeyRing, FirstEntryIsActiveAndKidsKeepTheirOrder) {
  KeyRing ring = KeyRing::Parse("new:" + kKeyA + ",old:" + kKeyB);
  EXPECT_EQ(ring.active().kid, "new");
  ASSERT_EQ(ring.keys().size(), 2u);
  EXPECT_EQ(ring.keys()[1].kid, "old");
  EXPECT_EQ(ring.keys()[1].key[0], 0xbb);
}

TEST(KeyRing, FindIsExactAndCaseSensitive) {
  KeyRing ring = KeyRing::Parse("Prod:" + kKeyA);
  ASSERT_NE(ring.Find("Prod"), nullptr);
  EXPECT_EQ(ring.Find("Prod")->key[31], 0xaa);
  EXPECT_EQ(ring.Find("prod"), nullptr);
  EXPECT_EQ(ring.Find("Prod "), nullptr);
}

TEST(KeyRing, TrimsTheValueAndEntriesAndSkipsEmptyEntries) {
  KeyRing ring = KeyRing::Parse("  , a:" + kKeyA + " ,, \t b:" + kKeyB + " ,  ");
  ASSERT_EQ(ring.keys().size(), 2u);
  EXPECT_EQ(ring.keys()[0].kid, "a");
  EXPECT_EQ(ring.keys()[1].kid, "b");
}

TEST(KeyRing, AcceptsUpperCaseHexAndWhitespaceBetweenBytePairs) {
  std::string spaced;
  for (int i = 0; i < 32; ++i) {
    spaced += (i ? " " : "") + std::string("AB");
  }
  KeyRing ring = KeyRing::Parse("k:" + spaced);
  EXPECT_EQ(ring.active().key[0], 0xab);
  EXPECT_EQ(ring.active().key[31], 0xab);
}

TEST(KeyRing, KidIsTheTextBeforeTheFirstColonWithoutFurtherTrimming) {
  KeyRing ring = KeyRing::Parse("my key :" + kKeyA);
  EXPECT_EQ(ring.active().kid, "my key ");
  EXPECT_THAT(ParseError("a:b:" + kKeyA), StartsWith("malformed KeyRing entry for kid 'a'"));
}

TEST(KeyRing, RejectsAnEmptyValue) {
  EXPECT_EQ(ParseError(""), "KeyRing requires at least one key entry");
  EXPECT_EQ(ParseError(" , ,"), "KeyRing requires at least one key entry");
}

TEST(KeyRing, RejectsAnEntryWithoutColonWithoutEchoingIt) {
  std::string message = ParseError("ok:" + kKeyA + "," + kKeyB);
  EXPECT_EQ(message, "malformed KeyRing entry #2: expected '<kid>:<hex64>'");
  EXPECT_THAT(message, Not(HasSubstr("bbbb")));
}

TEST(KeyRing, RejectsAnEmptyKidWithoutEchoingTheKey) {
  std::string message = ParseError(":" + kKeyA);
  EXPECT_EQ(message, "malformed KeyRing entry #1: kid must not be empty");
  EXPECT_THAT(message, Not(HasSubstr("aaaa")));
}

TEST(KeyRing, RejectsBadHexNamingOnlyTheKid) {
  std::string secretish = std::string(40, 'c') + "zz" + std::string(22, 'c');
  std::string message = ParseError("prod:" + secretish);
  EXPECT_THAT(message,
              StartsWith("malformed KeyRing entry for kid 'prod': key is not valid hex: "));
  EXPECT_THAT(message, HasSubstr("position 40"));
  EXPECT_THAT(message, Not(HasSubstr("cccc")));
  EXPECT_THAT(ParseError("prod:" + std::string(63, 'a')),
              StartsWith("malformed KeyRing entry for kid 'prod': key is not valid hex: odd"));
}

TEST(KeyRing, RejectsAKeyThatIsNotThirtyTwoBytes) {
  EXPECT_EQ(ParseError("prod:" + std::string(62, 'a')),
            "KeyRing entry for kid 'prod': key must decode to exactly 32 bytes, got 31");
  EXPECT_EQ(ParseError("prod:" + std::string(66, 'a')),
            "KeyRing entry for kid 'prod': key must decode to exactly 32 bytes, got 33");
  EXPECT_EQ(ParseError("prod:"),
            "KeyRing entry for kid 'prod': key must decode to exactly 32 bytes, got 0");
}

TEST(KeyRing, RejectsADuplicateKidAfterLoggingAWarning) {
  LogCapture capture;
  EXPECT_EQ(ParseError("k:" + kKeyA + ",k:" + kKeyB), "duplicate kid 'k' in KeyRing entries");
  auto records = capture.Events(events::kSigningKeyringInvalid);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["reason"], "duplicate_kid");
  EXPECT_EQ(records[0]["kid"], "k");
  EXPECT_EQ(records[0]["level"], "warning");
  EXPECT_TRUE(capture.Events(events::kSigningKeyringBuilt).empty());
}

TEST(KeyRing, RejectsAKidThatLooksLikeHexKeyMaterialInEitherCase) {
  for (const std::string& kid : {std::string(32, 'a'), std::string(64, 'F'),
                                 std::string("0123456789abcdefABCDEF0123456789")}) {
    LogCapture capture;
    std::string message = ParseError(kid + ":" + kKeyB);
    EXPECT_EQ(message, "KeyRing entry has a kid " + kid.substr(0, 8) +
                           "... that looks like raw hex key material (>=32 hex chars).  Use a "
                           "short human label (e.g. 'prod-2026') for the kid; the secret bytes "
                           "belong AFTER the colon.");
    EXPECT_THAT(message, Not(HasSubstr(kid.substr(0, 9))));
    auto records = capture.Events(events::kSigningKeyringInvalid);
    ASSERT_EQ(records.size(), 1u) << kid;
    EXPECT_EQ(records[0]["reason"], "kid_looks_like_hex_key_material");
    EXPECT_EQ(records[0]["kid"], kid.substr(0, 8) + "...");
  }
}

TEST(KeyRing, AcceptsShortHexKidsAndLongKidsWithANonHexCharacter) {
  EXPECT_EQ(KeyRing::Parse("abcdef01:" + kKeyA).active().kid, "abcdef01");
  EXPECT_EQ(KeyRing::Parse(std::string(31, 'a') + ":" + kKeyA).active().kid, std::string(31, 'a'));
  std::string almost = std::string(31, 'a') + "g";
  EXPECT_EQ(KeyRing::Parse(almost + ":" + kKeyA).active().kid, almost);
  EXPECT_EQ(KeyRing::Parse("prod-2026:" + kKeyA).active().kid, "prod-2026");
}

TEST(KeyRing, LogsTheBuiltRingWithFingerprintsButNeverKeyMaterial) {
  LogCapture capture;
  KeyRing ring = KeyRing::Parse("new:" + kKeyA + ",dev:" + std::string(64, '0'));
  auto records = capture.Events(events::kSigningKeyringBuilt);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["n_keys"], 2);
  EXPECT_EQ(records[0]["active_kid"], "new");
  ASSERT_EQ(records[0]["fingerprints"].size(), 2u);
  EXPECT_EQ(records[0]["fingerprints"][0]["kid"], "new");
  EXPECT_EQ(records[0]["fingerprints"][0]["fingerprint"], KeyRing::Fingerprint(ring.keys()[0].key));
  EXPECT_EQ(records[0]["fingerprints"][1]["fingerprint"], "66687aad");
  EXPECT_THAT(capture.All(), Not(HasSubstr("aaaaaaaa")));
}

TEST(KeyRing, FromEnvironmentIsEmptyWhenUnsetOrBlankAndParsesOtherwise) {
  {
    ScopedEnv env(kSigningKeysEnv, std::nullopt);
    EXPECT_FALSE(KeyRing::FromEnvironment().has_value());
  }
  {
    ScopedEnv env(kSigningKeysEnv, "   ");
    EXPECT_FALSE(KeyRing::FromEnvironment().has_value());
  }
  {
    ScopedEnv env(kSigningKeysEnv, kDevRing);
    ASSERT_TRUE(KeyRing::FromEnvironment().has_value());
    EXPECT_EQ(KeyRing::FromEnvironment()->active().kid, "dev");
  }
  {
    ScopedEnv env(kSigningKeysEnv, "garbage");
    EXPECT_THROW(KeyRing::FromEnvironment(), ArtifactError);
  }
}

}  // namespace
}  // namespace recotem
