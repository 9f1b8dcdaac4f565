#include "recotem/core/hashing.h"

#include <gtest/gtest.h>

#include "recotem/core/strings.h"

namespace recotem {
namespace {

TEST(Hashing, Sha256OfEmptyString) {
  EXPECT_EQ(Sha256Hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hashing, ScryptMatchesRfc7914Vector1) {
  std::vector<uint8_t> out = Scrypt({}, {}, 16, 1, 1, 64);
  EXPECT_EQ(HexEncode(out).substr(0, 32), "77d6576238657b203b19ca42c18a0497");
}

TEST(Hashing, ScryptAcceptsTheApiKeyCostOfTwo) {
  std::vector<uint8_t> out = Scrypt(AsBytes("recotem-quickstart-demo-key-0000"),
                                    AsBytes("recotem.api-key.v1"), 2, 8, 1, 32);
  EXPECT_EQ(HexEncode(out), "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125");
}

TEST(Hashing, HmacSha256OfConcatenatedParts) {
  std::vector<uint8_t> key(32, 0);
  auto one = HmacSha256(key, {AsBytes("ab"), AsBytes("c")});
  auto two = HmacSha256(key, {AsBytes("abc")});
  EXPECT_EQ(one, two);
}

TEST(Hashing, ConstantTimeEqualComparesLengthAndBytes) {
  EXPECT_TRUE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abc")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abd")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abcd")));
}

TEST(Hashing, Uuid4HasCanonicalForm) {
  std::string u = RandomUuid4();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(u[8], '-');
}

}  // namespace
}  // namespace recotem
