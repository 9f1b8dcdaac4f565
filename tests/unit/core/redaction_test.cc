#include "recotem/core/redaction.h"

#include <gtest/gtest.h>

namespace recotem::log {
namespace {

TEST(Redaction, RedactsSensitiveFieldNamesAndKeepsPluralKeys) {
  EXPECT_TRUE(IsSensitiveFieldName("X-API-Key"));
  EXPECT_TRUE(IsSensitiveFieldName("api_key"));
  EXPECT_TRUE(IsSensitiveFieldName("signing_key"));
  EXPECT_TRUE(IsSensitiveFieldName("key_id"));
  EXPECT_TRUE(IsSensitiveFieldName("keyboard"));
  EXPECT_TRUE(IsSensitiveFieldName("aws_region"));
  EXPECT_TRUE(IsSensitiveFieldName("db_password"));
  EXPECT_TRUE(IsSensitiveFieldName("RECOTEM_SIGNING_KEYS"));
  EXPECT_FALSE(IsSensitiveFieldName("n_keys"));
  EXPECT_FALSE(IsSensitiveFieldName("signing_keys"));
  EXPECT_FALSE(IsSensitiveFieldName("hotkeys"));
  EXPECT_FALSE(IsSensitiveFieldName("signing_kids"));
  EXPECT_FALSE(IsSensitiveFieldName("fingerprint"));
  EXPECT_FALSE(IsSensitiveFieldName("monkey"));
}

TEST(Redaction, SecurityPostureFlagsAreNotSecrets) {
  EXPECT_FALSE(IsSensitiveFieldName("auth_enabled"));
  EXPECT_FALSE(IsSensitiveFieldName("signing_key_status"));
}

TEST(Redaction, ScrubsUserinfoHexAndBase64Runs) {
  EXPECT_EQ(ScrubString("postgresql+psycopg://u:pw@db:5432/x"),
            "postgresql+psycopg://***@db:5432/x");
  EXPECT_EQ(ScrubString("gs://bucket@project/obj"), "gs://bucket@project/obj");
  EXPECT_EQ(ScrubString("k=" + std::string(64, 'a') + "!"), "k=[REDACTED-HEX64]!");
  EXPECT_EQ(ScrubString(std::string(42, 'a')), std::string(42, 'a'));
  EXPECT_EQ(ScrubString(std::string(63, 'a')), "[REDACTED-B64URL43]");
  EXPECT_EQ(ScrubString("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), "[REDACTED-B64URL43]");
  EXPECT_EQ(ScrubString("[REDACTED] " + std::string(70, 'f')),
            "[REDACTED] " + std::string(70, 'f'));
}

TEST(Redaction, RedactsNestedObjectsAndArrays) {
  nlohmann::ordered_json v = {{"outer", {{"password", "p"}, {"list", {{{"token", "t"}}}}}},
                              {"n_keys", 2}};
  RedactFields(v);
  EXPECT_EQ(v["outer"]["password"], "[REDACTED]");
  EXPECT_EQ(v["outer"]["list"][0]["token"], "[REDACTED]");
  EXPECT_EQ(v["n_keys"], 2);
}

TEST(Redaction, SanitizesKids) {
  EXPECT_EQ(SanitizeKid("prod-2026"), "prod-2026");
  EXPECT_EQ(SanitizeKid(""), "<empty>");
  EXPECT_EQ(SanitizeKid(std::string(65, 'a')), std::string(64, 'a') + "...");
  EXPECT_EQ(SanitizeKid("\x1b[31m"), "\\x1b\\x5b31m");
  EXPECT_EQ(SanitizeKid("a\tb"), "a\\x09b");
}

}  // namespace
}  // namespace recotem::log
