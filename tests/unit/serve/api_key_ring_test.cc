#include "recotem/serve/api_key_ring.h"

#include <gtest/gtest.h>

#include "recotem/core/errors.h"

namespace recotem::serve {
namespace {

const std::string kHex = "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125";
const std::string kOtherHex = "daeaa714f4814def44897437629e6dcdf5109f340a1c32e280d49d8e7963939f";

std::string ConfigErrorMessage(std::string_view value) {
  try {
    ApiKeyRing::Parse(value);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ApiKeyRing, EmptyOrBlankValueMeansNoKeys) {
  EXPECT_TRUE(ApiKeyRing::Parse("").empty());
  EXPECT_TRUE(ApiKeyRing::Parse("   ").empty());
  EXPECT_TRUE(ApiKeyRing::Parse(" , ,").empty());
}

TEST(ApiKeyRing, ParsesEntriesTrimmedInOrderAndLowerCasesTheHash) {
  std::string upper = kOtherHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ApiKeyRing ring =
      ApiKeyRing::Parse("  dev:sha256:" + kHex + " ,, ops team:SHA256:" + upper + " ");
  ASSERT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.entries()[0].kid, "dev");
  EXPECT_EQ(ring.entries()[0].digest_hex, kHex);
  EXPECT_EQ(ring.entries()[1].kid, "ops team");  // spaces are allowed in a kid
  EXPECT_EQ(ring.entries()[1].digest_hex, kOtherHex);
}

TEST(ApiKeyRing, RejectsAWrongFamilyWithoutEchoingTheEntry) {
  std::string message = ConfigErrorMessage("dev:sha256:" + kHex + ",secret-plaintext-value");
  EXPECT_EQ(message,
            "RECOTEM_API_KEYS contains an invalid entry: malformed API key entry #2: expected "
            "'<kid>:sha256:<hex64>'");
  EXPECT_EQ(ConfigErrorMessage("dev:md5:" + kHex).find("dev:md5"), std::string::npos);
  EXPECT_NE(ConfigErrorMessage("dev:md5:" + kHex).find("entry #1"), std::string::npos);
}

TEST(ApiKeyRing, RejectsAnEmptyKid) {
  EXPECT_EQ(ConfigErrorMessage(":sha256:" + kHex),
            "RECOTEM_API_KEYS contains an invalid entry: malformed API key entry: kid must not be "
            "empty");
}

TEST(ApiKeyRing, RejectsAShortOrNonHexHashWithItsLength) {
  EXPECT_EQ(ConfigErrorMessage("dev:sha256:abcd"),
            "RECOTEM_API_KEYS contains an invalid entry: malformed API key entry for kid 'dev': "
            "hash must be exactly 64 hex chars, got 4");
  std::string bad = kHex;
  bad[10] = 'z';
  EXPECT_NE(ConfigErrorMessage("dev:sha256:" + bad).find("got 64"), std::string::npos);
  // Split on the first two colons only: a third colon lands in the hash.
  EXPECT_NE(ConfigErrorMessage("dev:sha256:" + kHex + ":x").find("got 66"), std::string::npos);
}

TEST(ApiKeyRing, RejectsADuplicateKidButAcceptsADuplicateHash) {
  EXPECT_EQ(ConfigErrorMessage("a:sha256:" + kHex + ",a:sha256:" + kOtherHex),
            "RECOTEM_API_KEYS contains duplicate kid 'a'; each kid must appear at most once");
  ApiKeyRing ring = ApiKeyRing::Parse("a:sha256:" + kHex + ",b:sha256:" + kHex);
  EXPECT_EQ(ring.size(), 2u);
}

TEST(ApiKeyRing, MatchReturnsTheFirstMatchingEntryInListOrder) {
  ApiKeyRing ring =
      ApiKeyRing::Parse("x:sha256:" + kOtherHex + ",a:sha256:" + kHex + ",b:sha256:" + kHex);
  EXPECT_EQ(ring.Match(kHex), std::optional<size_t>(1));
  EXPECT_EQ(ring.Match(kOtherHex), std::optional<size_t>(0));
  EXPECT_EQ(ring.Match(std::string(64, '0')), std::nullopt);
  EXPECT_EQ(ring.Match(""), std::nullopt);
}

}  // namespace
}  // namespace recotem::serve
