// Tests for core/api_key_hash.h. They live with the artifact tests because
// this test target is the one keygen's owner maintains; they belong in
// tests/unit/core/ once that directory's owner adopts them.
#include "recotem/core/api_key_hash.h"

#include <gtest/gtest.h>

#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

TEST(ApiKeyHash, MatchesTheQuickstartValue) {
  EXPECT_EQ(ApiKeyHash("recotem-quickstart-demo-key-0000"),
            "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125");
}

TEST(ApiKeyHash, MatchesTheKeygenVectors) {
  std::vector<uint8_t> zeros(32, 0);
  std::vector<uint8_t> ramp(32);
  for (size_t i = 0; i < ramp.size(); ++i) {
    ramp[i] = static_cast<uint8_t>(i);
  }
  ASSERT_EQ(Base64UrlNoPad(zeros), std::string(43, 'A'));
  ASSERT_EQ(Base64UrlNoPad(ramp), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  EXPECT_EQ(ApiKeyHash(std::string(43, 'A')),
            "daeaa714f4814def44897437629e6dcdf5109f340a1c32e280d49d8e7963939f");
  EXPECT_EQ(ApiKeyHash("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"),
            "27439cd9b9a91728b2a1ba0d2e47bce6eaff30bbe8c800de23151370dbff8c45");
}

TEST(ApiKeyHash, IsNotAPlainSha256DespiteItsLabel) {
  std::string plaintext = "recotem-quickstart-demo-key-0000";
  EXPECT_EQ(Sha256Hex(plaintext),
            "1e58df0f288c901f1b864e0152e23ef2fbeed4a5434afa2a0ee044eaba03c980");
  EXPECT_NE(ApiKeyHash(plaintext), Sha256Hex(plaintext));
  EXPECT_EQ(kApiKeyHashLabel, "sha256");
}

TEST(ApiKeyHash, UsesThePlaintextByteForByteWithoutTrimming) {
  std::string hash = ApiKeyHash("recotem-quickstart-demo-key-0000");
  EXPECT_NE(ApiKeyHash(" recotem-quickstart-demo-key-0000"), hash);
  EXPECT_NE(ApiKeyHash("recotem-quickstart-demo-key-0000\n"), hash);
  EXPECT_EQ(ApiKeyHash("").size(), 64u);
}

}  // namespace
}  // namespace recotem
