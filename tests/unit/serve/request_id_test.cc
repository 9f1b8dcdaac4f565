#include "recotem/serve/request_id.h"

#include <gtest/gtest.h>

#include <regex>

namespace recotem::serve {
namespace {

const std::regex kUuid4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

TEST(RequestId, AValidClientValueIsEchoed) {
  std::string value = "abc_DEF-123";
  EXPECT_EQ(ResolveRequestId(&value, kSeedRequestIdRules), value);
  std::string longest(64, 'x');
  EXPECT_EQ(ResolveRequestId(&longest, kSeedRequestIdRules), longest);
}

TEST(RequestId, SeedRulesReplaceInvalidValuesWithAUuid4) {
  std::string too_long(65, 'x');
  std::string bad_char = "abc def";
  std::string empty;
  for (const std::string* v : {&too_long, &bad_char, &empty}) {
    std::string id = ResolveRequestId(v, kSeedRequestIdRules);
    EXPECT_TRUE(std::regex_match(id, kUuid4)) << id;
  }
  EXPECT_TRUE(std::regex_match(ResolveRequestId(nullptr, kSeedRequestIdRules), kUuid4));
  EXPECT_NE(ResolveRequestId(nullptr, kSeedRequestIdRules),
            ResolveRequestId(nullptr, kSeedRequestIdRules));
}

TEST(RequestId, V1RulesAccept128CharactersAndFallBackTo12Hex) {
  std::string v128(128, 'a');
  std::string v129(129, 'a');
  EXPECT_EQ(ResolveRequestId(&v128, kV1RequestIdRules), v128);
  std::string id = ResolveRequestId(&v129, kV1RequestIdRules);
  EXPECT_TRUE(std::regex_match(id, std::regex("^[0-9a-f]{12}$"))) << id;
}

TEST(RequestId, ValidityIsTheSpecAlphabet) {
  EXPECT_TRUE(IsValidRequestId("A-z_9", 64));
  EXPECT_FALSE(IsValidRequestId("a.b", 64));
  EXPECT_FALSE(IsValidRequestId("a/b", 64));
  EXPECT_FALSE(IsValidRequestId("", 64));
}

}  // namespace
}  // namespace recotem::serve
