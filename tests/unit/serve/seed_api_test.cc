#include "recotem/serve/seed_api.h"

#include <gtest/gtest.h>

#include <limits>
#include <regex>

#include "batch_check.h"
#include "log_capture.h"
#include "recotem/serve/json_response.h"
#include "test_models.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

class SeedApiTest : public ::testing::Test {
 protected:
  SeedApiTest() : auth_(ApiKeyRing(), false), router_(auth_, TrustedHosts({"*"})), api_(registry_) {
    api_.AddRoutes(router_);
  }

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.client_host = "127.0.0.1";
    return router_.Handle(r);
  }

  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "";
  }

  testing::LogCapture logs_;
  ModelRegistry registry_;
  Authenticator auth_;
  Router router_;
  SeedApi api_;
};

TEST_F(SeedApiTest, PredictReturnsItemsModelBlockAndRequestId) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel("news", "k1"), "/p"));
  HttpResponse r =
      Call("POST", "/predict/news", R"({"user_id":"u0","cutoff":2})", {{"x-request-id", "req-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"items":[{"item_id":"i1","score":2.0},{"item_id":"i2","score":2.0}],)"
                    R"("model":{"recipe":"news","trained_at":"2026-01-02T03:04:05Z",)"
                    R"("best_class":"TopPopRecommender","kid":"k1"},"request_id":"req-1"})");
  EXPECT_EQ(Header(r, "X-Request-ID"), "req-1");
}

TEST_F(SeedApiTest, PredictGeneratesAUuidForAnInvalidRequestId) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel(), "/p"));
  HttpResponse r =
      Call("POST", "/predict/news", R"({"user_id":"u0"})", {{"x-request-id", "bad id!"}});
  ASSERT_EQ(r.status, 200);
  std::string id = Json::parse(r.body)["request_id"];
  EXPECT_TRUE(std::regex_match(id, std::regex("^[0-9a-f-]{36}$"))) << id;
  EXPECT_EQ(Header(r, "X-Request-ID"), id);
  EXPECT_EQ(Json::parse(r.body)["items"].size(), 4u);  // 5 items, 1 seen, default cutoff 10
}

TEST_F(SeedApiTest, UnknownUserIs404UserNotFound) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel(), "/p"));
  HttpResponse r = Call("POST", "/predict/news", R"({"user_id":"ghost"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":{"detail":"User 'ghost' was not seen during training",)"
                    R"("code":"user_not_found"}})");
}

TEST_F(SeedApiTest, UnknownRecipeAndStubsAre503RecipeUnavailable) {
  registry_.Replace(RegistryEntry::Stub("broken", "/b", "parse failed: magic bytes mismatch"));
  HttpResponse missing = Call("POST", "/predict/nope", R"({"user_id":"u0"})");
  EXPECT_EQ(missing.status, 503);
  EXPECT_EQ(missing.body, R"({"detail":{"detail":"Recipe 'nope' is not loaded or unhealthy",)"
                          R"("code":"recipe_unavailable"}})");
  HttpResponse stub = Call("POST", "/predict/broken", R"({"user_id":"u0"})");
  EXPECT_EQ(stub.status, 503);
  auto events = logs_.Events("recipe_unavailable");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["reason"], "no_entry");
  EXPECT_EQ(events[1]["reason"], "not_loaded");
  EXPECT_EQ(events[1]["last_load_error"], "parse failed: magic bytes mismatch");
}

TEST_F(SeedApiTest, AStaleButLoadedRecipeKeepsServing) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel(), "/p"));
  registry_.SetLoadError("news", "HMAC verify failed: x");
  EXPECT_EQ(Call("POST", "/predict/news", R"({"user_id":"u1"})").status, 200);
  EXPECT_EQ(Call("GET", "/health").status, 503);
}

TEST_F(SeedApiTest, AModelFailureIsTheFlat500AndALoggedEvent) {
  registry_.Replace(
      RegistryEntry::Loaded("bad", testing::MakeFixedScoresModel({1.0f}, {}, true), "/p"));
  HttpResponse r = Call("POST", "/predict/bad", R"({"user_id":"u0"})", {{"x-request-id", "r9"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"detail":"internal error","code":"internal_error"})");
  auto events = logs_.Events("predict_handler_unexpected_error");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["name"], "bad");
  EXPECT_EQ(events[0]["request_id"], "r9");
  EXPECT_EQ(events[0]["kid"], "k");
  EXPECT_EQ(events[0]["error_class"], "std::runtime_error");
  EXPECT_EQ(events[0]["recipe"], "bad");  // bound context
}

TEST_F(SeedApiTest, ValidationErrorsAre422WithTheFrameworkBody) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel(), "/p"));
  HttpResponse r = Call("POST", "/predict/news", R"({"user_id":"u0","cutoff":0})");
  EXPECT_EQ(r.status, 422);
  Json body = Json::parse(r.body);
  ASSERT_TRUE(body["detail"].is_array());
  EXPECT_EQ(body["detail"][0]["loc"], Json::array({"body", "cutoff"}));
  EXPECT_EQ(Call("POST", "/predict/bad.name", R"({"user_id":"u0"})").status, 422);
  EXPECT_EQ(Call("POST", "/predict/news", "{not json").status, 422);
}

// serve hands the router the requests of one I/O tick at once. Mixed
// together — two models, an unknown user, a bad body, a missing recipe, a
// wrong key, a failing model, a non-predict route — every request gets
// exactly the response it gets alone, in order.
TEST_F(SeedApiTest, ABatchOfRequestsGetsExactlyTheResponsesTheyGetAlone) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel("news", "k1"), "/p"));
  registry_.Replace(RegistryEntry::Loaded("shop", testing::MakeServingModel("shop", "k2"), "/p"));
  registry_.Replace(
      RegistryEntry::Loaded("bad", testing::MakeFixedScoresModel({1.0f}, {}, true), "/p"));
  std::vector<HttpRequest> batch = {
      testing::RequestWithId("POST", "/predict/news", R"({"user_id":"u0","cutoff":2})", "a"),
      testing::RequestWithId("POST", "/predict/shop", R"({"user_id":"u3"})", "b"),
      testing::RequestWithId("POST", "/predict/news", R"({"user_id":"nobody"})", "c"),
      testing::RequestWithId("GET", "/health", "", "d"),
      testing::RequestWithId("POST", "/predict/news", "{not json", "e"),
      testing::RequestWithId("POST", "/predict/gone", R"({"user_id":"u0"})", "f"),
      testing::RequestWithId("POST", "/predict/bad", R"({"user_id":"u0"})", "g"),
      testing::RequestWithId("POST", "/predict/news", R"({"user_id":"u1","cutoff":1})", "h"),
      testing::RequestWithId("POST", "/predict/shop", R"({"user_id":"u2","cutoff":3})", "i"),
  };
  std::vector<int> statuses = testing::StatusesHandledTogetherAsAlone(router_, batch);
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 404, 200, 422, 503, 500, 200, 200}));
  // The failing model logged one event for its request, batched or not.
  EXPECT_EQ(logs_.Events("predict_handler_unexpected_error").size(), 2u);
}

TEST_F(SeedApiTest, HealthIsOkForAnEmptyRegistry) {
  HttpResponse r = Call("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok","total":0,"loaded":0})");
}

TEST_F(SeedApiTest, HealthIsDegraded503WhenAnyEntryIsNotLoaded) {
  registry_.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a"), "/a"));
  registry_.Replace(RegistryEntry::Stub("b", "/b", "read failed: cannot read artifact"));
  registry_.Replace(RegistryEntry::Stub("c", "/c", std::nullopt));  // discovery stub
  HttpResponse r = Call("GET", "/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"degraded","total":3,"loaded":1})");
}

TEST_F(SeedApiTest, HealthDetailsListsEveryRecipe) {
  registry_.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a", "k9"), "/a"));
  registry_.Replace(RegistryEntry::Stub("b", "/b", "read failed: x"));
  HttpResponse r = Call("GET", "/health/details");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body,
            R"({"status":"degraded","recipes":{"a":{"loaded":true,)"
            R"("trained_at":"2026-01-02T03:04:05Z","best_class":"TopPopRecommender","kid":"k9"},)"
            R"("b":{"loaded":false,"error":"read failed: x"}}})");
}

TEST_F(SeedApiTest, ModelsListsLoadedHeadersWithKidAndName) {
  registry_.Replace(RegistryEntry::Loaded("a", testing::MakeServingModel("a", "k9"), "/a"));
  registry_.Replace(RegistryEntry::Stub("b", "/b", "x"));
  HttpResponse r = Call("GET", "/models");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            R"([{"recipe_name":"a","best_class":"TopPopRecommender",)"
            R"("trained_at":"2026-01-02T03:04:05Z","best_score":0.5,"kid":"k9","name":"a"}])");
}

std::string ItemText(const Json* metadata, std::string_view item_id, float score) {
  std::string out;
  AppendItemJson(out, metadata, item_id, score);
  return out;
}

TEST(SeedApiShapes, ItemJsonPutsMetadataFirstAndCannotBeShadowed) {
  Json metadata = {{"title", "T"}, {"score", 99}, {"item_id", "fake"}, {"genre", nullptr}};
  EXPECT_EQ(ItemText(&metadata, "i7", 0.5f),
            R"({"title":"T","genre":null,"item_id":"i7","score":0.5})");
  EXPECT_EQ(ItemText(nullptr, "i7", 0.25f), R"({"item_id":"i7","score":0.25})");
}

// The /predict body is written as text; it must be byte for byte what
// nlohmann writes for the same values (escapes, invalid UTF-8, numbers).
TEST(SeedApiShapes, JsonAppendersWriteWhatDumpJsonWrites) {
  const std::vector<std::string> strings = {"",
                                            "plain-id_42",
                                            "quote\"d",
                                            "back\\slash",
                                            "tab\tnew\nline",
                                            std::string("nul\0x", 5),
                                            "\x01\x1f\x7f",
                                            "caf\xc3\xa9 \xe2\x82\xac",
                                            "bad \xff\xfe utf8",
                                            "trunc \xe2\x82",
                                            "</script>"};
  for (const std::string& value : strings) {
    std::string out;
    AppendJsonString(out, value);
    EXPECT_EQ(out, DumpJson(Json(value))) << value;
  }
  const std::vector<double> numbers = {0.0,
                                       -0.0,
                                       0.5,
                                       1.0,
                                       -3.0,
                                       1e-5,
                                       1.5e-7,
                                       1e15,
                                       1e16,
                                       123456789.125,
                                       static_cast<double>(0.1f),
                                       static_cast<double>(-2.7182817f),
                                       static_cast<double>(3.4028235e38f),
                                       std::numeric_limits<double>::denorm_min(),
                                       std::numeric_limits<double>::quiet_NaN(),
                                       std::numeric_limits<double>::infinity(),
                                       -std::numeric_limits<double>::infinity()};
  for (double value : numbers) {
    std::string out;
    AppendJsonDouble(out, value);
    EXPECT_EQ(out, DumpJson(Json(value))) << value;
  }
  for (const Json& value :
       {Json(nullptr), Json(true), Json(42), Json(-7), Json(18446744073709551615u), Json(2.25),
        Json("\xc3("), Json::array({1, "a\"", nullptr}), Json{{"k", {{"nested", 1.5}}}}}) {
    std::string out;
    AppendJson(out, value);
    EXPECT_EQ(out, DumpJson(value)) << DumpJson(value);
  }
}

TEST_F(SeedApiTest, PredictBodyIsTheJsonOfItsFields) {
  registry_.Replace(RegistryEntry::Loaded("news", testing::MakeServingModel("news", "k\"1"), "/n"));
  ModelRegistry::EntryPtr entry = registry_.Find("news");
  ASSERT_TRUE(entry);
  std::vector<ScoredIndex<float>> top = {{0.75f, 1}, {-1.5e-7f, 0}};
  Json items = Json::array();
  for (const ScoredIndex<float>& s : top) {
    items.push_back(
        {{"item_id", entry->model->ItemId(s.index)}, {"score", static_cast<double>(s.score)}});
  }
  Json expected = {{"items", items},
                   {"model",
                    {{"recipe", "news"},
                     {"trained_at", entry->header["trained_at"]},
                     {"best_class", entry->header["best_class"]},
                     {"kid", "k\"1"}}},
                   {"request_id", "r\u00e9-1"}};
  EXPECT_EQ(PredictBody(*entry, top, "r\u00e9-1"), DumpJson(expected));
}

}  // namespace
}  // namespace recotem::serve
