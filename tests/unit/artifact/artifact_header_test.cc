#include "recotem/artifact/artifact_header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "artifact_test_support.h"
#include "recotem/core/errors.h"

namespace recotem {
namespace {

using ::recotem::testing::SmallHeader;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string EncodeError(const ArtifactHeader& header) {
  try {
    EncodeHeaderJson(header);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "";
}

TEST(ArtifactHeader, EncodesCompactlyInTheSpecKeyOrder) {
  ArtifactHeader h = SmallHeader();
  h.best_params["train_epochs"] = 25;
  h.best_params["alpha0"] = 0.0123;
  h.best_params["use_bias"] = true;
  EXPECT_EQ(EncodeHeaderJson(h),
            R"({"recipe_name":"news","recipe_hash":")" + std::string(64, 'a') +
                R"(","recotem_version":"0.1.0","irspack_version":"recotem-cpp-0.1.0",)"
                R"("trained_at":"2026-01-02T03:04:05Z","best_class":"TopPopRecommender",)"
                R"("best_params":{"train_epochs":25,"alpha0":0.0123,"use_bias":true},)"
                R"("best_score":0.25,"metric":"ndcg","cutoff":10,)"
                R"("tuning":{"tried_algorithms":["TopPopRecommender"],"n_trials":4,)"
                R"("n_completed":4,"n_orphaned":0,"best_trial_number":0,"search_seed":42},)"
                R"("data_stats":{"n_rows":6,"n_users":3,"n_items":4,"drop_count":0,)"
                R"("dedup_policy":"keep_last"}})");
}

TEST(ArtifactHeader, EscapesNonAsciiAndControlCharacters) {
  ArtifactHeader h = SmallHeader();
  h.recipe_name = "café\t☃😀";
  std::string json = EncodeHeaderJson(h);
  EXPECT_THAT(json, HasSubstr(R"("recipe_name":"caf\u00e9\t\u2603\ud83d\ude00")"));
  for (char c : json) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80u);
  }
}

TEST(ArtifactHeader, EmptyBestParamsIsAnEmptyObject) {
  EXPECT_THAT(EncodeHeaderJson(SmallHeader()), HasSubstr(R"("best_params":{},)"));
}

TEST(ArtifactHeader, RefusesNonFiniteNumbers) {
  ArtifactHeader nan_score = SmallHeader();
  nan_score.best_score = std::nan("");
  EXPECT_EQ(EncodeError(nan_score),
            "header JSON cannot encode the non-finite number at header.best_score");
  ArtifactHeader inf_param = SmallHeader();
  inf_param.best_params["reg"] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(EncodeError(inf_param),
            "header JSON cannot encode the non-finite number at header.best_params.reg");
}

TEST(ArtifactHeader, RefusesAHeaderLongerThanTheContainerAllows) {
  ArtifactHeader h = SmallHeader();
  h.tuning.tried_algorithms.assign(5000, "TopPopRecommender");
  size_t expected = 0;
  {
    ArtifactHeader small = SmallHeader();
    expected =
        EncodeHeaderJson(small).size() + 4999 * std::string(R"(,"TopPopRecommender")").size();
  }
  EXPECT_EQ(EncodeError(h),
            "header_json length " + std::to_string(expected) + " exceeds maximum 65536");
}

TEST(ArtifactHeader, RefusesStringsThatAreNotUtf8) {
  ArtifactHeader h = SmallHeader();
  h.recipe_name = "bad\xff";
  EXPECT_THAT(EncodeError(h), StartsWith("header JSON encode failed: "));
}

TEST(ArtifactHeader, DecodeKeepsTheKeysInFileOrder) {
  std::string detail;
  auto header = DecodeHeaderJson(EncodeHeaderJson(SmallHeader()), &detail);
  ASSERT_TRUE(header.has_value()) << detail;
  std::vector<std::string> keys;
  for (const auto& [key, value] : header->items()) {
    keys.push_back(key);
  }
  EXPECT_THAT(keys,
              ::testing::ElementsAre("recipe_name", "recipe_hash", "recotem_version",
                                     "irspack_version", "trained_at", "best_class", "best_params",
                                     "best_score", "metric", "cutoff", "tuning", "data_stats"));
  EXPECT_EQ((*header)["data_stats"]["dedup_policy"], "keep_last");
}

TEST(ArtifactHeader, DecodeRefusesAnythingButAJsonObject) {
  std::string detail;
  EXPECT_FALSE(DecodeHeaderJson("[1,2]", &detail).has_value());
  EXPECT_EQ(detail, "expected a JSON object, got array");
  EXPECT_FALSE(DecodeHeaderJson("\"text\"", &detail).has_value());
  EXPECT_EQ(detail, "expected a JSON object, got string");
  EXPECT_FALSE(DecodeHeaderJson("null", &detail).has_value());
  EXPECT_EQ(detail, "expected a JSON object, got null");
}

TEST(ArtifactHeader, DecodeReportsSyntaxErrorsWithoutTheLibraryTag) {
  for (const char* bad : {"", "{", R"({"a":1)", R"({"a":1}x)", "{'a':1}"}) {
    std::string detail;
    EXPECT_FALSE(DecodeHeaderJson(bad, &detail).has_value()) << bad;
    EXPECT_THAT(detail, HasSubstr("parse error")) << bad;
    EXPECT_THAT(detail, Not(StartsWith("[json.exception"))) << bad;
  }
}

TEST(ArtifactHeader, DecodeToleratesTheOriginalsNonFiniteTokens) {
  std::string detail;
  auto header = DecodeHeaderJson(
      R"({"best_score":NaN,"a":[Infinity,-Infinity],"s":"NaN and Infinity","b":1})", &detail);
  ASSERT_TRUE(header.has_value()) << detail;
  EXPECT_TRUE((*header)["best_score"].is_null());
  EXPECT_TRUE((*header)["a"][0].is_null());
  EXPECT_TRUE((*header)["a"][1].is_null());
  EXPECT_EQ((*header)["s"], "NaN and Infinity");
  EXPECT_EQ((*header)["b"], 1);
  EXPECT_FALSE(DecodeHeaderJson(R"({"a":NaNx})", &detail).has_value());
}

TEST(ArtifactHeader, DecodeOfARepeatedKeyKeepsFirstPositionAndLastValue) {
  std::string detail;
  auto header = DecodeHeaderJson(R"({"a":1,"b":2,"a":3})", &detail);
  ASSERT_TRUE(header.has_value()) << detail;
  EXPECT_EQ(header->dump(), R"({"a":3,"b":2})");
}

}  // namespace
}  // namespace recotem
