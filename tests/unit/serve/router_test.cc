#include "recotem/serve/router.h"

#include <gtest/gtest.h>

#include "log_capture.h"

namespace recotem::serve {
namespace {

const std::string kKey = "recotem-quickstart-demo-key-0000";
const std::string kHash = "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125";

HttpRequest Make(std::string method, std::string target,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = {{"host", "127.0.0.1:8080"}};
  for (auto& h : headers) r.headers.push_back(std::move(h));
  r.client_host = "127.0.0.1";
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : auth_(ApiKeyRing::Parse("dev:sha256:" + kHash), false),
        router_(auth_, TrustedHosts({"127.0.0.1", "localhost"})) {
    auto echo = [](const RouteContext& c) {
      HttpResponse r;
      r.body = c.path + "|" + c.kid;
      for (const auto& p : c.params) r.body += "|" + p;
      return r;
    };
    router_.Add({"GET", "/open", false, ErrorStyle::kSeed, echo});
    router_.Add({"GET", "/items/{name}", true, ErrorStyle::kSeed, echo});
    router_.Add({"POST", "/items/{name}", true, ErrorStyle::kSeed, echo});
    router_.Add({"POST", "/v1/recipes/{name}:recommend", true, ErrorStyle::kV1, echo});
    router_.Add({"GET", "/boom", false, ErrorStyle::kSeed,
                 [](const RouteContext&) -> HttpResponse { throw std::runtime_error("x"); }});
  }
  Authenticator auth_;
  Router router_;
  testing::LogCapture logs_;
};

TEST_F(RouterTest, UnknownRouteIs404WithTheFrameworkBody) {
  HttpResponse r = router_.Handle(Make("GET", "/nope"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(router_.Handle(Make("GET", "/items/")).status, 404);     // empty segment
  EXPECT_EQ(router_.Handle(Make("GET", "/items/a/b")).status, 404);  // extra segment
  EXPECT_EQ(router_.Handle(Make("GET", "/open/")).status, 404);
}

TEST_F(RouterTest, WrongMethodIs405WithAnAllowHeader) {
  HttpResponse r = router_.Handle(Make("DELETE", "/items/x"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"detail":"Method Not Allowed"})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "GET, HEAD, POST");
  EXPECT_EQ(router_.Handle(Make("POST", "/open")).status, 405);
}

TEST_F(RouterTest, HeadIsServedByGetRoutes) {
  HttpResponse r = router_.Handle(Make("HEAD", "/open"));
  EXPECT_EQ(r.status, 200);
}

TEST_F(RouterTest, UntrustedHostIs400PlainTextBeforeRouting) {
  HttpRequest req = Make("GET", "/nope");
  req.headers[0].second = "evil.example.com";
  HttpResponse r = router_.Handle(req);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "Invalid host header");
  EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u);
}

TEST_F(RouterTest, CapturesPercentDecodedParametersAndIgnoresTheQuery) {
  HttpResponse r = router_.Handle(Make("GET", "/items/a%20b?x=1", {{"x-api-key", kKey}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "/items/a b|dev|a b");
  HttpResponse verb =
      router_.Handle(Make("POST", "/v1/recipes/news:recommend", {{"x-api-key", kKey}}));
  EXPECT_EQ(verb.body, "/v1/recipes/news:recommend|dev|news");
  EXPECT_EQ(router_.Handle(Make("POST", "/v1/recipes/news:other", {{"x-api-key", kKey}})).status,
            404);
}

TEST_F(RouterTest, AuthRoutesAnswer401WithTheSeedNestedBody) {
  HttpResponse missing = router_.Handle(Make("GET", "/items/x"));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body,
            R"({"detail":{"detail":"X-API-Key header required","code":"missing_api_key"}})");
  HttpResponse wrong =
      router_.Handle(Make("GET", "/items/x", {{"x-api-key", std::string(40, 'w')}}));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"detail":{"detail":"Invalid API key","code":"invalid_api_key"}})");
}

TEST_F(RouterTest, V1RoutesAnswer401WithTheFlatBody) {
  HttpResponse r = router_.Handle(Make("POST", "/v1/recipes/n:recommend"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"detail":"X-API-Key header required","code":"MISSING_API_KEY"})");
}

TEST_F(RouterTest, OpenRoutesDoNotAuthenticate) {
  HttpResponse r = router_.Handle(Make("GET", "/open"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "/open|anonymous");
  EXPECT_TRUE(logs_.Events("auth_missing_header").empty());
}

TEST_F(RouterTest, AThrowingHandlerGivesTheFlat500AndAnEvent) {
  HttpResponse r = router_.Handle(Make("GET", "/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"detail":"internal error","code":"internal_error"})");
  auto events = logs_.Events("unhandled_500");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["path"], "/boom");
  EXPECT_EQ(events[0]["exc_type"], "std::runtime_error");
}

// A route with a batch handler gets the requests of one HandleBatch call
// that pass host, match and auth in one call (in arrival order); the
// others are answered one by one, and every response lands at its index.
TEST_F(RouterTest, HandleBatchGivesABatchRouteItsAuthenticatedRequestsInOneCall) {
  std::vector<std::vector<std::string>> calls;
  router_.Add({"POST", "/batch/{name}", true, ErrorStyle::kSeed, nullptr,
               [&](std::span<const RouteContext> contexts) {
                 calls.emplace_back();
                 std::vector<HttpResponse> out;
                 for (const RouteContext& c : contexts) {
                   calls.back().push_back(c.params.at(0));
                   HttpResponse r;
                   r.body = "batched " + c.params.at(0) + "|" + c.kid;
                   out.push_back(std::move(r));
                 }
                 return out;
               }});
  std::vector<HttpRequest> requests = {
      Make("POST", "/batch/a", {{"x-api-key", kKey}}),
      Make("GET", "/open"),
      Make("POST", "/batch/b", {{"x-api-key", "wrong"}}),
      Make("POST", "/batch/c", {{"x-api-key", kKey}}),
      Make("POST", "/v1/recipes/n:recommend", {{"x-request-id", "rid"}}),
  };
  std::vector<HttpResponse> responses = router_.HandleBatch(requests);
  ASSERT_EQ(responses.size(), 5u);
  EXPECT_EQ(calls, (std::vector<std::vector<std::string>>{{"a", "c"}}));
  EXPECT_EQ(responses[0].body, "batched a|dev");
  EXPECT_EQ(responses[1].body, "/open|anonymous");
  EXPECT_EQ(responses[2].status, 401);
  EXPECT_EQ(responses[3].body, "batched c|dev");
  EXPECT_EQ(responses[4].status, 401);  // a /v1 path still gets its X-Request-ID
  ASSERT_EQ(responses[4].headers.size(), 1u);
  EXPECT_EQ(responses[4].headers[0], (std::pair<std::string, std::string>{"X-Request-ID", "rid"}));
}

TEST_F(RouterTest, AThrowingBatchHandlerGivesEachOfItsRequestsThe500) {
  router_.Add({"POST", "/batch", false, ErrorStyle::kSeed, nullptr,
               [](std::span<const RouteContext>) -> std::vector<HttpResponse> {
                 throw std::runtime_error("x");
               }});
  std::vector<HttpRequest> requests = {Make("POST", "/batch"), Make("GET", "/open"),
                                       Make("POST", "/batch")};
  std::vector<HttpResponse> responses = router_.HandleBatch(requests);
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].status, 500);
  EXPECT_EQ(responses[0].body, R"({"detail":"internal error","code":"internal_error"})");
  EXPECT_EQ(responses[1].status, 200);
  EXPECT_EQ(responses[2].status, 500);
  EXPECT_EQ(logs_.Events("unhandled_500").size(), 2u);
}

TEST(RouterMatch, PatternsMatchWholeSegments) {
  std::vector<std::string> params;
  EXPECT_TRUE(Router::Match("/predict/{name}", "/predict/news", &params));
  EXPECT_EQ(params, (std::vector<std::string>{"news"}));
  EXPECT_FALSE(Router::Match("/predict/{name}", "/predict", &params));
  EXPECT_FALSE(Router::Match("/health", "/health/details", &params));
  EXPECT_TRUE(Router::Match("/r/{name}:go", "/r/a:b:go", &params));
  EXPECT_EQ(params, (std::vector<std::string>{"a:b"}));
  EXPECT_FALSE(Router::Match("/r/{name}:go", "/r/:go", &params));
  EXPECT_EQ(Router::DecodePath("/a%2Fb%zz?q=%20"), "/a/b%zz");
}

}  // namespace
}  // namespace recotem::serve
