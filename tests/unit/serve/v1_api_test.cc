#include "recotem/serve/v1_api.h"

#include <gtest/gtest.h>

#include <regex>

#include "batch_check.h"
#include "log_capture.h"
#include "test_models.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

std::shared_ptr<const MetadataIndex> Metadata() {
  std::unordered_map<std::string, Json> rows;
  rows["i1"] = Json{{"title", "One"}, {"item_id", "spoofed"}, {"score", 99}};
  rows["i2"] = Json{{"title", "Two"}};
  return std::make_shared<const MetadataIndex>(std::move(rows), std::vector<std::string>{"title"});
}

class V1ApiTest : public ::testing::Test {
 protected:
  V1ApiTest()
      : auth_(ApiKeyRing(), false),
        router_(auth_, TrustedHosts({"*"}), CorsPolicy({"https://app.example"})),
        api_(registry_, metrics_, true) {
    api_.AddRoutes(router_);
    registry_.Replace(
        RegistryEntry::Loaded("news", testing::MakeServingModel("news", "k1"), "/p", Metadata()));
    registry_.Replace(RegistryEntry::Stub("broken", "/b", "parse failed: bad magic"));
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

  uint64_t V1Count(const std::string& recipe, V1Verb verb, V1Status status) {
    return metrics_.ForRecipe(recipe)
        ->v1_requests[static_cast<size_t>(verb)][static_cast<size_t>(status)]
        .load();
  }

  testing::LogCapture logs_;
  ModelRegistry registry_;
  ServeMetrics metrics_;
  Authenticator auth_;
  Router router_;
  V1Api api_;
};

const std::string kVersion = "sha256:" + std::string(64, 'a');

TEST_F(V1ApiTest, RecommendReturnsTheEnvelopeWithItemsThenMetadataAndTheVersionHeader) {
  HttpResponse r =
      Call("POST", "/v1/recipes/news:recommend",
           R"({"user_id":"u0","limit":3,"exclude_items":["i2"]})", {{"x-request-id", "abc"}});
  ASSERT_EQ(r.status, 200) << r.body;
  // Top 3 of i1(2), i2(2), i3(1), i4(0) (u0 saw i0) is i1, i2, i3; i2 is then
  // excluded without backfill; metadata cannot shadow item_id or score.
  EXPECT_EQ(r.body, R"({"request_id":"abc","recipe":"news","model_version":")" + kVersion +
                        R"(","items":[{"item_id":"i1","score":2.0,"title":"One"},)"
                        R"({"item_id":"i3","score":1.0}]})");
  EXPECT_EQ(Header(r, "X-Recotem-Model-Version"), kVersion);
  EXPECT_EQ(Header(r, "X-Request-ID"), "abc");
  EXPECT_EQ(Header(r, "X-Recotem-Items-Degraded"), "");
  EXPECT_EQ(V1Count("news", V1Verb::kRecommend, V1Status::kOk), 1u);
}

TEST_F(V1ApiTest, UnknownUserIs404WithoutEchoingTheUser) {
  HttpResponse r = Call("POST", "/v1/recipes/news:recommend", R"({"user_id":"ghost-42"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"user not seen during training","code":"UNKNOWN_USER"})");
  EXPECT_EQ(r.body.find("ghost-42"), std::string::npos);
  EXPECT_EQ(Header(r, "X-Recotem-Model-Version"), "");
  EXPECT_EQ(V1Count("news", V1Verb::kRecommend, V1Status::kUnknownUser), 1u);
}

TEST_F(V1ApiTest, UnknownRecipeIs404AndAStubIs503WithFlatBodies) {
  HttpResponse missing = Call("POST", "/v1/recipes/nope:recommend", R"({"user_id":"u0"})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"detail":"Recipe 'nope' not found","code":"RECIPE_NOT_FOUND"})");
  EXPECT_EQ(Header(missing, "X-Request-ID").size(), 12u);
  HttpResponse stub = Call("POST", "/v1/recipes/broken:recommend", R"({"user_id":"u0"})");
  EXPECT_EQ(stub.status, 503);
  EXPECT_EQ(stub.body, R"({"detail":"Recipe 'broken' is registered but not loaded",)"
                       R"("code":"RECIPE_UNAVAILABLE"})");
  EXPECT_EQ(V1Count(kUnknownRecipeLabel, V1Verb::kRecommend, V1Status::kRecipeNotFound), 1u);
  EXPECT_EQ(V1Count("broken", V1Verb::kRecommend, V1Status::kUnavailable), 1u);
  EXPECT_EQ(logs_.Events("recipe_not_found").size(), 1u);
  EXPECT_EQ(logs_.Events("recipe_not_loaded").size(), 1u);
}

TEST_F(V1ApiTest, ValidationErrorsUseTheEnvelopeWithoutInputOrCtx) {
  HttpResponse r = Call("POST", "/v1/recipes/news:recommend",
                        R"({"user_id":"","limit":0,"context":{}})", {{"x-request-id", "r-1"}});
  ASSERT_EQ(r.status, 422);
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["request_id"], "r-1");
  EXPECT_EQ(body["detail"], "Request validation failed");
  EXPECT_EQ(body["code"], "VALIDATION_ERROR");
  std::set<std::string> types;
  for (const Json& e : body["errors"]) {
    types.insert(e["type"].get<std::string>());
    EXPECT_FALSE(e.contains("input"));
    EXPECT_FALSE(e.contains("ctx"));
  }
  EXPECT_EQ(types,
            (std::set<std::string>{"extra_forbidden", "string_too_short", "greater_than_equal"}));
  EXPECT_EQ(V1Count("news", V1Verb::kRecommend, V1Status::kValidationError), 1u);
  ASSERT_EQ(logs_.Events("validation_failed").size(), 1u);
  EXPECT_EQ(logs_.Events("validation_failed")[0]["matched_v1_verb"], "recommend");
}

TEST_F(V1ApiTest, OversizedInputsAreRejected) {
  Json ten_thousand = Json::array();
  for (int i = 0; i < 10000; ++i) ten_thousand.push_back("i" + std::to_string(i));
  Json body = {{"user_id", "u0"}, {"exclude_items", ten_thousand}};
  EXPECT_EQ(Call("POST", "/v1/recipes/news:recommend", body.dump()).status, 422);
  EXPECT_EQ(
      Call("POST", "/v1/recipes/news:recommend", Json{{"user_id", std::string(257, 'u')}}.dump())
          .status,
      422);
  EXPECT_EQ(Call("POST", "/v1/recipes/news:recommend", R"({"user_id":"u0","limit":1001})").status,
            422);
  EXPECT_EQ(Call("POST", "/v1/recipes/news:recommend", R"({"user_id":7})").status, 422);
  EXPECT_EQ(Call("POST", "/v1/recipes/news:recommend", R"({"user_id":"u0")").status, 422);
  EXPECT_EQ(Call("POST", "/v1/recipes/bad.name:recommend", R"({"user_id":"u0"})").status, 422);
}

TEST_F(V1ApiTest, RelatedScoresSeedsAndReportsUnknownSeeds) {
  HttpResponse r = Call("POST", "/v1/recipes/news:recommend-related",
                        R"({"seed_items":["i1","zzz"],"limit":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json items = Json::parse(r.body)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["item_id"], "i0");  // the seed itself is never returned
  EXPECT_EQ(items[1]["item_id"], "i2");
  HttpResponse unknown =
      Call("POST", "/v1/recipes/news:recommend-related", R"({"seed_items":["zzz"]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"detail":"no known seed_items","code":"UNKNOWN_SEED_ITEMS"})");
  EXPECT_EQ(Call("POST", "/v1/recipes/news:recommend-related", R"({"seed_items":[]})").status, 422);
  // Excluding everything after ranking is a 200 with no items.
  HttpResponse all_excluded = Call("POST", "/v1/recipes/news:recommend-related",
                                   R"({"seed_items":["i0"],"limit":1,"exclude_items":["i1"]})");
  EXPECT_EQ(all_excluded.status, 200);
  EXPECT_EQ(Json::parse(all_excluded.body)["items"].size(), 0u);
}

TEST_F(V1ApiTest, BatchKeepsOrderAndReportsPerElementErrors) {
  HttpResponse r =
      Call("POST", "/v1/recipes/news:batch-recommend",
           R"({"requests":[{"user_id":"u0","limit":1},{"user_id":"ghost"},7,{"user_id":""},)"
           R"({"user_id":"u1","limit":2,"exclude_items":["i2"]}],"include_metadata":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "X-Recotem-Model-Version"), kVersion);
  Json results = Json::parse(r.body)["results"];
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0]["status"], "ok");
  EXPECT_EQ(results[0]["items"][0]["item_id"], "i1");
  EXPECT_EQ(results[0]["items"][0]["title"], "One");
  EXPECT_EQ(results[1]["error"]["code"], "UNKNOWN_USER");
  EXPECT_EQ(results[1]["error"]["message"], "user not seen during training");
  EXPECT_EQ(results[2]["error"]["message"], "request must be an object");
  EXPECT_EQ(results[3]["error"]["code"], "VALIDATION_ERROR");
  EXPECT_EQ(results[3]["error"]["message"], "user_id: String should have at least 1 character");
  EXPECT_EQ(results[4]["index"], 4);
  EXPECT_EQ(results[4]["items"].size(), 1u);  // u1 saw i0, i1; top 2 = i2, i3; i2 excluded
  EXPECT_EQ(V1Count("news", V1Verb::kBatchRecommend, V1Status::kOk), 1u);
  EXPECT_EQ(metrics_.ForRecipe("news")->v1_batch_size[0].count(), 1u);
}

// :recommend requests that arrive together are scored in one pass per model:
// each response (body, headers, status) is exactly the one it gets alone,
// and the other verbs in the same batch are unaffected.
TEST_F(V1ApiTest, RecommendRequestsHandledTogetherGetExactlyTheirOwnResponses) {
  registry_.Replace(RegistryEntry::Loaded("shop", testing::MakeServingModel("shop", "k2"), "/s"));
  std::vector<HttpRequest> batch = {
      testing::RequestWithId("POST", "/v1/recipes/news:recommend",
                             R"({"user_id":"u0","limit":3,"exclude_items":["i2"]})", "a"),
      testing::RequestWithId("POST", "/v1/recipes/shop:recommend", R"({"user_id":"u3"})", "b"),
      testing::RequestWithId("POST", "/v1/recipes/news:recommend", R"({"user_id":"ghost"})", "c"),
      testing::RequestWithId("POST", "/v1/recipes/news:recommend", R"({"user_id":""})", "d"),
      testing::RequestWithId("POST", "/v1/recipes/broken:recommend", R"({"user_id":"u0"})", "e"),
      testing::RequestWithId("POST", "/v1/recipes/news:recommend-related",
                             R"({"seed_items":["i1"]})", "f"),
      testing::RequestWithId("POST", "/v1/recipes/news:recommend", R"({"user_id":"u1","limit":1})",
                             "g"),
  };
  std::vector<int> statuses = testing::StatusesHandledTogetherAsAlone(router_, batch);
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 404, 422, 503, 200, 200}));
  EXPECT_EQ(V1Count("news", V1Verb::kRecommend, V1Status::kOk), 4u);  // two, twice
}

TEST_F(V1ApiTest, BatchAggregateLimitCapFailsOnlyTheElementThatCrossesIt) {
  Json requests = Json::array();
  for (int i = 0; i < 10; ++i) requests.push_back({{"user_id", "u0"}, {"limit", 501}});
  HttpResponse r =
      Call("POST", "/v1/recipes/news:batch-recommend", Json{{"requests", requests}}.dump());
  ASSERT_EQ(r.status, 200);
  Json results = Json::parse(r.body)["results"];
  for (int i = 0; i < 9; ++i) EXPECT_EQ(results[i]["status"], "ok") << i;
  EXPECT_EQ(results[9]["error"]["message"], "aggregate limit cap exceeded: 5000");
  // Metadata is off by default in batches.
  EXPECT_FALSE(results[0]["items"][0].contains("title"));
}

TEST_F(V1ApiTest, BatchSizeLimitsAreWholeRequest422s) {
  Json many = Json::array();
  for (int i = 0; i < 257; ++i) many.push_back({{"user_id", "u0"}});
  EXPECT_EQ(
      Call("POST", "/v1/recipes/news:batch-recommend", Json{{"requests", many}}.dump()).status,
      422);
  EXPECT_EQ(Call("POST", "/v1/recipes/news:batch-recommend", R"({"requests":[]})").status, 422);
  HttpResponse related = Call("POST", "/v1/recipes/news:batch-recommend-related",
                              R"({"requests":[{"seed_items":[]},{"seed_items":["i1"]}]})");
  ASSERT_EQ(related.status, 200);
  Json results = Json::parse(related.body)["results"];
  EXPECT_EQ(results[0]["error"]["code"], "VALIDATION_ERROR");
  EXPECT_EQ(results[1]["status"], "ok");
}

TEST_F(V1ApiTest, RecipeListingAndDetail) {
  HttpResponse list = Call("GET", "/v1/recipes");
  ASSERT_EQ(list.status, 200);
  Json recipes = Json::parse(list.body)["recipes"];
  ASSERT_EQ(recipes.size(), 1u);  // the stub is not listed
  EXPECT_EQ(recipes[0]["name"], "news");
  EXPECT_EQ(recipes[0]["model_version"], kVersion);
  EXPECT_EQ(recipes[0]["kind"], "user-item");
  EXPECT_EQ(recipes[0]["supported_verbs"].size(), 4u);
  EXPECT_TRUE(std::regex_match(recipes[0]["loaded_at"].get<std::string>(),
                               std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$)")));
  HttpResponse detail = Call("GET", "/v1/recipes/news");
  ASSERT_EQ(detail.status, 200);
  Json d = Json::parse(detail.body);
  EXPECT_EQ(d["best_algorithm"], "TopPopRecommender");
  EXPECT_EQ(d["best_score"], 0.5);
  EXPECT_EQ(d["algorithms"], Json::array());
  EXPECT_TRUE(d["config_digest"].is_null());
  EXPECT_EQ(Call("GET", "/v1/recipes/nope").status, 404);
  EXPECT_EQ(Call("GET", "/v1/recipes/broken").status, 503);
  EXPECT_EQ(Call("GET", "/v1/recipes/bad.name").status, 422);
  EXPECT_EQ(metrics_.v1_validation_errors_outside_verb.load(), 1u);
}

TEST(FormatLoadedAt, PrintsMicrosecondsOnlyWhenNonZero) {
  EXPECT_EQ(FormatLoadedAt(1779500000.0), "2026-05-23T01:33:20Z");
  EXPECT_EQ(FormatLoadedAt(1779500000.123456), "2026-05-23T01:33:20.123456Z");
}

TEST_F(V1ApiTest, HealthCountsStaleEntriesAsLoaded) {
  registry_.Remove("broken");
  registry_.SetLoadError("news", std::string("read failed: gone"));
  HttpResponse health = Call("GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","total":1,"loaded":1})");
  HttpResponse details = Call("GET", "/v1/health/details");
  EXPECT_EQ(details.status, 503);
  EXPECT_EQ(Json::parse(details.body)["recipes"]["news"]["error"], "read failed: gone");
  registry_.Replace(RegistryEntry::Stub("broken", "/b", std::nullopt));
  EXPECT_EQ(Call("GET", "/v1/health").status, 503);
}

TEST_F(V1ApiTest, RequestIdRulesApplyToEveryV1Response) {
  std::string id128(128, 'a');
  EXPECT_EQ(Header(Call("GET", "/v1/health", "", {{"x-request-id", id128}}), "X-Request-ID"),
            id128);
  std::string replaced = Header(
      Call("GET", "/v1/health", "", {{"x-request-id", std::string(129, 'a')}}), "X-Request-ID");
  EXPECT_TRUE(std::regex_match(replaced, std::regex("^[0-9a-f]{12}$"))) << replaced;
  EXPECT_EQ(Header(Call("GET", "/v1/nothing-here", "", {{"x-request-id", "x"}}), "X-Request-ID"),
            "x");
  HttpResponse wrong_method = Call("DELETE", "/v1/health", "", {{"x-request-id", "y"}});
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(Header(wrong_method, "X-Request-ID"), "y");
}

TEST_F(V1ApiTest, MetricsRouteServesTheExposition) {
  HttpResponse r = Call("GET", "/v1/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, kMetricsContentType);
  EXPECT_NE(r.body.find("# TYPE recotem_v1_requests_total counter"), std::string::npos);
}

TEST_F(V1ApiTest, CorsPreflightAndResponseHeadersFollowTheOriginList) {
  HttpResponse ok = Call("OPTIONS", "/v1/recipes/news:recommend", "",
                         {{"origin", "https://app.example"},
                          {"access-control-request-method", "POST"},
                          {"access-control-request-headers", "x-api-key, content-type"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(Header(ok, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(Header(ok, "Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(Header(ok, "Access-Control-Allow-Headers"), "x-api-key, content-type");
  EXPECT_EQ(Header(ok, "Access-Control-Allow-Credentials"), "");
  HttpResponse denied =
      Call("OPTIONS", "/v1/health", "",
           {{"origin", "https://evil.example"}, {"access-control-request-method", "GET"}});
  EXPECT_EQ(denied.status, 400);
  EXPECT_EQ(Header(denied, "Access-Control-Allow-Origin"), "");
  HttpResponse simple = Call("GET", "/v1/health", "", {{"origin", "https://app.example"}});
  EXPECT_EQ(Header(simple, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_NE(Header(simple, "Access-Control-Expose-Headers").find("X-Recotem-Model-Version"),
            std::string::npos);
  HttpResponse other = Call("GET", "/v1/health", "", {{"origin", "https://evil.example"}});
  EXPECT_EQ(Header(other, "Access-Control-Allow-Origin"), "");
}

}  // namespace
}  // namespace recotem::serve
