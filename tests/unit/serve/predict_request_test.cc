#include "recotem/serve/predict_request.h"

#include <gtest/gtest.h>

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

Json OnlyError(std::string_view name, std::string_view body) {
  PredictValidation v = ValidatePredictRequest(name, body);
  EXPECT_FALSE(v.request);
  EXPECT_EQ(v.errors.size(), 1u) << v.errors.dump();
  return v.errors.empty() ? Json() : v.errors[0];
}

TEST(PredictRequest, AcceptsUserIdAndDefaultsCutoffToTen) {
  PredictValidation v = ValidatePredictRequest("news", R"({"user_id":"u1"})");
  ASSERT_TRUE(v.request);
  EXPECT_EQ(v.request->user_id, "u1");
  EXPECT_EQ(v.request->cutoff, 10);
}

TEST(PredictRequest, AcceptsAnEmptyUserIdIgnoresUnknownFieldsAndIntegralFloats) {
  PredictValidation v =
      ValidatePredictRequest("n_-1", R"({"user_id":"","cutoff":5.0,"context":{"x":1}})");
  ASSERT_TRUE(v.request);
  EXPECT_EQ(v.request->user_id, "");
  EXPECT_EQ(v.request->cutoff, 5);
}

TEST(PredictRequest, CutoffBoundsAreOneAndAThousand) {
  EXPECT_TRUE(ValidatePredictRequest("n", R"({"user_id":"u","cutoff":1})").request);
  EXPECT_TRUE(ValidatePredictRequest("n", R"({"user_id":"u","cutoff":1000})").request);
  Json low = OnlyError("n", R"({"user_id":"u","cutoff":0})");
  EXPECT_EQ(low, Json::parse(R"({"type":"greater_than_equal","loc":["body","cutoff"],
      "msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}})"));
  Json high = OnlyError("n", R"({"user_id":"u","cutoff":1001})");
  EXPECT_EQ(high, Json::parse(R"({"type":"less_than_equal","loc":["body","cutoff"],
      "msg":"Input should be less than or equal to 1000","input":1001,"ctx":{"le":1000}})"));
  EXPECT_EQ(OnlyError("n", R"({"user_id":"u","cutoff":18446744073709551615})")["type"],
            "less_than_equal");
}

TEST(PredictRequest, CutoffMustBeAnInteger) {
  EXPECT_EQ(OnlyError("n", R"({"user_id":"u","cutoff":2.5})")["type"], "int_from_float");
  EXPECT_EQ(OnlyError("n", R"({"user_id":"u","cutoff":null})")["type"], "int_type");
  EXPECT_EQ(OnlyError("n", R"({"user_id":"u","cutoff":"5"})")["type"], "int_type");
  EXPECT_EQ(OnlyError("n", R"({"user_id":"u","cutoff":true})")["type"], "int_type");
}

TEST(PredictRequest, UserIdIsRequiredAndMustBeAString) {
  Json missing = OnlyError("n", R"({"cutoff":3})");
  EXPECT_EQ(missing, Json::parse(R"({"type":"missing","loc":["body","user_id"],
      "msg":"Field required","input":{"cutoff":3}})"));
  Json number = OnlyError("n", R"({"user_id":42})");
  EXPECT_EQ(number["type"], "string_type");
  EXPECT_EQ(number["msg"], "Input should be a valid string");
  EXPECT_EQ(number["input"], 42);
}

TEST(PredictRequest, MalformedJsonGivesOnlyTheJsonInvalidEntry) {
  // Even with an invalid path name, a JSON error is reported alone.
  Json e = OnlyError("bad name!", R"({"user_id": )");
  EXPECT_EQ(e["type"], "json_invalid");
  EXPECT_EQ(e["loc"][0], "body");
  EXPECT_TRUE(e["loc"][1].is_number_integer());
  EXPECT_EQ(e["msg"], "JSON decode error");
}

TEST(PredictRequest, BodyMustBeAnObject) {
  EXPECT_EQ(OnlyError("n", "[1,2]")["type"], "model_attributes_type");
  Json empty = OnlyError("n", "");
  EXPECT_EQ(empty["type"], "missing");
  EXPECT_EQ(empty["loc"], Json::array({"body"}));
}

TEST(PredictRequest, InvalidNameIsReportedTogetherWithBodyErrors) {
  PredictValidation v = ValidatePredictRequest(std::string(65, 'a'), R"({"cutoff":0})");
  ASSERT_EQ(v.errors.size(), 3u);
  EXPECT_EQ(v.errors[0]["type"], "string_pattern_mismatch");
  EXPECT_EQ(v.errors[0]["loc"], Json::array({"path", "name"}));
  EXPECT_EQ(v.errors[0]["ctx"]["pattern"], "^[A-Za-z0-9_-]{1,64}$");
  EXPECT_EQ(v.errors[1]["loc"], Json::array({"body", "user_id"}));
  EXPECT_EQ(v.errors[2]["loc"], Json::array({"body", "cutoff"}));
}

TEST(PredictRequest, RecipeNamesFollowThePattern) {
  EXPECT_TRUE(IsValidRecipeName("-leading_dash"));
  EXPECT_TRUE(IsValidRecipeName(std::string(64, 'a')));
  EXPECT_FALSE(IsValidRecipeName(std::string(65, 'a')));
  EXPECT_FALSE(IsValidRecipeName("dot.name"));
  EXPECT_FALSE(IsValidRecipeName(""));
}

}  // namespace
}  // namespace recotem::serve
