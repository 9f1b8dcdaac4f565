#include "recotem/core/strings.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

TEST(Strings, ParseLooseIntAcceptsSignWhitespaceAndUnderscores) {
  EXPECT_EQ(ParseLooseInt(" 1_048_576 "), 1048576);
  EXPECT_EQ(ParseLooseInt("-5"), -5);
  EXPECT_EQ(ParseLooseInt("+7"), 7);
  EXPECT_FALSE(ParseLooseInt("1__0"));
  EXPECT_FALSE(ParseLooseInt("_1"));
  EXPECT_FALSE(ParseLooseInt("1.5"));
  EXPECT_FALSE(ParseLooseInt(""));
  EXPECT_FALSE(ParseLooseInt("99999999999999999999999"));
}

TEST(Strings, HexDecodeToleratesSpacesBetweenPairs) {
  auto v = HexDecode("aa BB 0c");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<uint8_t>{0xaa, 0xbb, 0x0c}));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(Strings, Base64UrlWithoutPadding) {
  std::vector<uint8_t> zeros(32, 0);
  EXPECT_EQ(Base64UrlNoPad(zeros), std::string(43, 'A'));
  std::vector<uint8_t> seq(32);
  for (int i = 0; i < 32; ++i) seq[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Base64UrlNoPad(seq), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
}

TEST(Strings, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("h\xc3\xa9llo"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
}

TEST(Strings, TruthyAndCsvLists) {
  EXPECT_TRUE(IsTruthy(" YES "));
  EXPECT_FALSE(IsTruthy("2"));
  EXPECT_EQ(SplitCsvList(" a, ,b,,"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace recotem
