#include "recotem/serve/predict_request.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

TEST(PredictRequest, ThePlainBodyIsReadWithoutTheFullParse) {
  std::optional<PredictRequest> plain =
      ParsePlainPredictBody(" {\"user_id\" : \"196\",\n\t\"cutoff\": 1000}\r\n");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->user_id, "196");
  EXPECT_EQ(plain->cutoff, 1000);
  plain = ParsePlainPredictBody(R"({"cutoff":1,"user_id":""})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->user_id, "");
  EXPECT_EQ(plain->cutoff, 1);
  EXPECT_EQ(ParsePlainPredictBody(R"({"user_id":"u"})")->cutoff, kDefaultCutoff);
  // Left to the full validation: escapes, non-ASCII, other or repeated
  // fields, numbers out of range or not plain digits, trailing bytes.
  for (const char* body :
       {R"({"user_id":"a\"b"})", "{\"user_id\":\"\xc3\xa9\"}", R"({"user_id":"u","x":1})",
        R"({"user_id":"u","user_id":"v"})", R"({"user_id":"u","cutoff":0})",
        R"({"user_id":"u","cutoff":1001})", R"({"user_id":"u","cutoff":10.0})",
        R"({"user_id":"u","cutoff":1e1})", R"({"user_id":"u","cutoff":010})",
        R"({"user_id":"u","cutoff":-5})", R"({"user_id":"u"} x)", R"({"user_id":"u",})",
        R"({"cutoff":5})", R"({})", "", R"(["u"])"}) {
    EXPECT_FALSE(ParsePlainPredictBody(body)) << body;
  }
}

// Differential: over bodies assembled from valid and invalid pieces, every
// body the plain reader accepts is, parsed as JSON, an object of exactly a
// string user_id and an optional in-range integer cutoff with the same
// values — what the full validation accepts with the same result.
TEST(PredictRequest, ThePlainReaderAcceptsOnlyWhatTheFullParseAcceptsAlike) {
  // Valid pieces repeated so that about one body in a hundred is plain.
  const std::vector<std::string> spaces = {"",   "",    "",     " ",  " ",
                                           "\n", "\t ", "\r\n", "\v", "\xc2\xa0"};
  const std::vector<std::string> keys = {
      R"("user_id")",      R"("user_id")", R"("user_id")", R"("cutoff")", R"("cutoff")",
      R"("user_i\u0064")", R"("other")",   R"(user_id)",   R"("")",       R"("user_id )"};
  const std::vector<std::string> strings = {R"("196")",  R"("")",        R"("a b~")",
                                            R"("a\nb")", "\"\xc3\xa9\"", R"("x)"};
  const std::vector<std::string> numbers = {"10", "1",    "1000", "1001", "0",   "01",
                                            "-3", "10.0", "1e1",  "5E0",  "1 0", "99999"};
  const std::vector<std::string> others = {"true", "null", "[1]", R"({"a":1})"};
  std::mt19937 rng(29);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  int accepted = 0;
  for (int trial = 0; trial < 50000; ++trial) {
    std::string body = pick(spaces) + (rng() % 20 == 0 ? "[" : "{");
    const int members = 1 + static_cast<int>(rng() % 3);
    for (int m = 0; m < members; ++m) {
      if (m > 0) body += pick(spaces) + (rng() % 15 == 0 ? ";" : ",");
      const std::string key = pick(keys);
      // Mostly the value type the key wants, sometimes any.
      const bool typed = rng() % 10 < 7;
      const std::string& value = typed && key == R"("cutoff")" ? pick(numbers)
                                 : typed                       ? pick(strings)
                                 : rng() % 3 == 0              ? pick(others)
                                                  : pick(rng() % 2 ? strings : numbers);
      body += pick(spaces) + key + pick(spaces) + ":" + pick(spaces) + value;
    }
    body += pick(spaces) + (rng() % 20 == 0 ? "" : "}") + pick(spaces);
    if (rng() % 20 == 0) body += "x";
    std::optional<PredictRequest> plain = ParsePlainPredictBody(body);
    if (!plain) continue;
    ++accepted;
    Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << body;
    ASSERT_TRUE(parsed.contains("user_id") && parsed["user_id"].is_string()) << body;
    EXPECT_EQ(parsed["user_id"].get<std::string>(), plain->user_id) << body;
    EXPECT_EQ(parsed.size(), parsed.contains("cutoff") ? 2u : 1u) << body;
    if (parsed.contains("cutoff")) {
      ASSERT_TRUE(parsed["cutoff"].is_number_integer()) << body;
      EXPECT_EQ(parsed["cutoff"].get<int64_t>(), plain->cutoff) << body;
    } else {
      EXPECT_EQ(plain->cutoff, kDefaultCutoff) << body;
    }
    EXPECT_GE(plain->cutoff, kMinCutoff);
    EXPECT_LE(plain->cutoff, kMaxCutoff);
  }
  EXPECT_GT(accepted, 200);  // the generator does reach the plain reader
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
