// Acceptance tests of `recotem serve` over HTTP against the real binary:
// the /v1 API and metrics routes with their status codes and body shapes,
// hostile input (the server must answer 4xx or close, and keep serving),
// CORS and metadata, and the artifact lifecycle driven by the watcher (hot
// swap, corrupt artifact, recipe removal and restore) and SIGTERM drain.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "http_client.h"
#include "log_events.h"
#include "process.h"
#include "recotem/algo/top_pop.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "serve_fixtures.h"
#include "serve_process.h"

namespace recotem::testing {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

// Writes through a temp file and rename, as `recotem train` does.
void WriteBytesAtomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  std::filesystem::rename(tmp, path);
}

class ServeAcceptanceTest : public ::testing::Test {
 protected:
  ServeAcceptanceTest() {
    std::filesystem::create_directories(dir_ / "recipes");
    std::filesystem::create_directories(dir_ / "artifacts");
  }

  std::string ArtifactPath(const std::string& name) const {
    return dir_ / ("artifacts/" + name + ".recotem");
  }
  std::string YamlPath(const std::string& name) const {
    return dir_ / ("recipes/" + name + ".yaml");
  }

  void AddRecipe(const std::string& name, const std::string& extra = "",
                 const std::string& trained_at = "2026-01-01T00:00:00Z") {
    WriteBytesAtomically(ArtifactPath(name), TopPopArtifact(name, trained_at));
    WriteTextFile(YamlPath(name), RecipeYaml(name, ArtifactPath(name), extra));
  }

  void Start(std::map<std::string, std::string> env = {}) {
    std::map<std::string, std::string> full = {{"RECOTEM_SIGNING_KEYS", kSigningKeys},
                                               {"RECOTEM_API_KEYS", kApiKeys},
                                               {"RECOTEM_LOG_FORMAT", "json"},
                                               {"RECOTEM_WATCH_INTERVAL", "1"}};
    for (auto& [k, v] : env) full[k] = v;
    StartedServe started = StartServeOnFreePort(
        [&](int port) {
          return std::vector<std::string>{"serve",  "--recipes",          dir_ / "recipes",
                                          "--port", std::to_string(port), "--threads",
                                          "2"};
        },
        full);
    ASSERT_TRUE(started.process) << started.error;
    server_ = std::move(started.process);
    port_ = started.port;
  }

  std::map<std::string, std::string> Auth() const { return {{"X-API-Key", kApiKey}}; }

  // Polls until `done` holds or `timeout` passes.
  template <typename Pred>
  bool Eventually(Pred done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return done();
  }

  std::string ServedTrainedAt(HttpClient& client, const std::string& name) {
    HttpResult r = client.Post("/predict/" + name, R"({"user_id":"u1"})", Auth());
    return r.status == 200 ? r.Json()["model"]["trained_at"].get<std::string>() : "";
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(ServeAcceptanceTest, V1RecommendAndRelatedShapes) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  auto headers = Auth();
  headers["X-Request-ID"] = "req-7";
  HttpResult r = client.Post("/v1/recipes/news:recommend",
                             R"({"user_id":"u1","limit":3,"exclude_items":["i3"]})", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = r.Json();
  EXPECT_EQ(body["request_id"], "req-7");
  EXPECT_EQ(body["recipe"], "news");
  std::string version = body["model_version"];
  EXPECT_EQ(version.rfind("sha256:", 0), 0u);
  EXPECT_EQ(version.size(), 7u + 64u);
  EXPECT_EQ(r.Header("x-recotem-model-version"), version);
  EXPECT_EQ(r.Header("x-request-id"), "req-7");
  // u1 saw i0, i1: top 3 = i2, i3, i4; i3 is excluded without backfill.
  EXPECT_EQ(body["items"], Json::parse(R"([{"item_id":"i2","score":1.0},
                                            {"item_id":"i4","score":0.0}])"));

  HttpResult related = client.Post("/v1/recipes/news:recommend-related",
                                   R"({"seed_items":["i0"],"limit":2})", Auth());
  ASSERT_EQ(related.status, 200) << related.body;
  EXPECT_EQ(related.Json()["items"][0]["item_id"], "i1");
  HttpResult unknown_seed =
      client.Post("/v1/recipes/news:recommend-related", R"({"seed_items":["x"]})", Auth());
  EXPECT_EQ(unknown_seed.status, 404);
  EXPECT_EQ(unknown_seed.Json()["code"], "UNKNOWN_SEED_ITEMS");
  HttpResult unknown_user =
      client.Post("/v1/recipes/news:recommend", R"({"user_id":"who"})", Auth());
  EXPECT_EQ(unknown_user.status, 404);
  EXPECT_EQ(unknown_user.Json(), Json::parse(R"({"detail":"user not seen during training",
                                                 "code":"UNKNOWN_USER"})"));
  EXPECT_EQ(unknown_user.Header("x-recotem-model-version"), "");
  EXPECT_EQ(unknown_user.Header("x-request-id").size(), 12u);
}

TEST_F(ServeAcceptanceTest, V1BatchDiscoveryHealthAndAuth) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  HttpResult batch =
      client.Post("/v1/recipes/news:batch-recommend",
                  R"({"requests":[{"user_id":"u1","limit":1},{"user_id":"nobody"},"x"]})", Auth());
  ASSERT_EQ(batch.status, 200) << batch.body;
  Json results = batch.Json()["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["items"][0]["item_id"], "i2");
  EXPECT_EQ(results[1]["error"]["code"], "UNKNOWN_USER");
  EXPECT_EQ(results[2]["error"]["code"], "VALIDATION_ERROR");
  HttpResult batch_related = client.Post("/v1/recipes/news:batch-recommend-related",
                                         R"({"requests":[{"seed_items":["i4"]}]})", Auth());
  ASSERT_EQ(batch_related.status, 200);
  EXPECT_EQ(batch_related.Json()["results"][0]["status"], "ok");

  HttpResult list = client.Get("/v1/recipes", Auth());
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["recipes"][0]["name"], "news");
  HttpResult detail = client.Get("/v1/recipes/news", Auth());
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.Json()["best_class"], "TopPopRecommender");
  EXPECT_EQ(detail.Json()["trained_at"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(client.Get("/v1/recipes/other", Auth()).status, 404);

  EXPECT_EQ(client.Get("/v1/health").body, R"({"status":"ok","total":1,"loaded":1})");
  HttpResult details = client.Get("/v1/health/details", Auth());
  EXPECT_EQ(details.status, 200);
  EXPECT_EQ(details.Json()["recipes"]["news"]["loaded"], true);

  for (std::string target : {"/v1/recipes", "/v1/recipes/news", "/v1/health/details"}) {
    HttpResult denied = client.Get(target);
    EXPECT_EQ(denied.status, 401) << target;
    EXPECT_EQ(denied.Json(), Json::parse(R"({"detail":"X-API-Key header required",
                                             "code":"MISSING_API_KEY"})"));
    EXPECT_EQ(denied.Header("x-request-id").size(), 12u);
  }
  HttpResult wrong = client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})",
                                 {{"X-API-Key", std::string(40, 'z')}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json()["code"], "INVALID_API_KEY");
  // Metrics are off by default: both routes are 404.
  EXPECT_EQ(client.Get("/metrics").status, 404);
  EXPECT_EQ(client.Get("/v1/metrics", Auth()).status, 404);
}

TEST_F(ServeAcceptanceTest, MetricsWhenEnabled) {
  AddRecipe("news");
  Start({{"RECOTEM_METRICS_ENABLED", " Yes "}});
  HttpClient client(port_);
  ASSERT_EQ(client.Post("/predict/news", R"({"user_id":"u1"})", Auth()).status, 200);
  ASSERT_EQ(client.Post("/predict/news", R"({"user_id":"ghost"})", Auth()).status, 404);
  ASSERT_EQ(client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})", Auth()).status, 200);
  HttpResult metrics = client.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body;
  EXPECT_NE(text.find(R"(recotem_predict_total{recipe="news",status="ok"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(recotem_predict_total{recipe="news",status="user_not_found"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(recotem_predict_latency_seconds_count{recipe="news"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(recotem_model_loaded{recipe="news"} 1)"), std::string::npos);
  EXPECT_NE(text.find("recotem_active_recipes 1"), std::string::npos);
  EXPECT_NE(text.find(R"(recotem_v1_requests_total{recipe="news",verb="recommend",status="ok"} 1)"),
            std::string::npos);
  EXPECT_EQ(client.Get("/v1/metrics").status, 401);
  EXPECT_EQ(client.Get("/v1/metrics", Auth()).status, 200);
}

TEST_F(ServeAcceptanceTest, HostileInputGets4xxOrACloseAndTheServerKeepsServing) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  auto v1 = [&](const std::string& body) {
    return client.Post("/v1/recipes/news:recommend", body, Auth()).status;
  };
  EXPECT_EQ(v1(R"({"user_id":)"), 422);
  EXPECT_EQ(v1(R"([1,2,3])"), 422);
  EXPECT_EQ(v1(R"({"user_id":["u1"]})"), 422);
  EXPECT_EQ(v1(R"({"user_id":"u1","limit":"5"})"), 422);
  EXPECT_EQ(v1(R"({"user_id":"u1","limit":1.5})"), 422);
  EXPECT_EQ(v1("\xff\xfe{}"), 422);
  Json ten_thousand = Json::array();
  for (int i = 0; i < 10000; ++i) ten_thousand.push_back("item-" + std::to_string(i));
  HttpResult big_exclude =
      client.Post("/v1/recipes/news:recommend",
                  Json{{"user_id", "u1"}, {"exclude_items", ten_thousand}}.dump(), Auth());
  EXPECT_EQ(big_exclude.status, 422);
  EXPECT_EQ(big_exclude.Json()["errors"][0]["type"], "too_long");
  // Names that try to leave the recipe namespace are 422 or 404, never a file read.
  EXPECT_EQ(client.Post("/predict/..%2F..%2Fetc%2Fpasswd", R"({"user_id":"u1"})", Auth()).status,
            404);
  EXPECT_EQ(client.Post("/predict/..", R"({"user_id":"u1"})", Auth()).status, 422);
  EXPECT_EQ(client.Post("/v1/recipes/..%2Fnews:recommend", R"({"user_id":"u1"})", Auth()).status,
            404);
  EXPECT_EQ(client.Post("/v1/recipes/n%00ws:recommend", R"({"user_id":"u1"})", Auth()).status, 422);
  // Invalid request ids are replaced, never echoed.
  HttpResult bad_id = client.Get("/v1/health", {{"X-Request-ID", "a b<script>"}});
  EXPECT_EQ(bad_id.Header("x-request-id").size(), 12u);

  HttpClient huge_header(port_);
  huge_header.WriteRaw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " +
                       std::string(64 * 1024, 'x') + "\r\n\r\n");
  EXPECT_EQ(huge_header.ReadResponse().status, 431);
  HttpClient huge_body(port_);
  huge_body.WriteRaw(
      "POST /v1/recipes/news:recommend HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Length: 5000000\r\n\r\n{");
  EXPECT_EQ(huge_body.ReadResponse().status, 413);
  HttpClient garbage(port_);
  garbage.WriteRaw("\x16\x03\x01 this is not http\r\n\r\n");
  HttpResult garbage_response = garbage.ReadResponse();
  EXPECT_TRUE(garbage_response.status == 400 || garbage_response.status == 0);

  // Slow-loris: connections that trickle a header never block other clients.
  std::vector<std::unique_ptr<HttpClient>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<HttpClient>(port_));
    slow.back()->WriteRaw("POST /v1/recipes/news:recommend HTTP/1.1\r\nHost: 127.0.0.1\r\nX-");
  }
  HttpClient fresh(port_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(fresh.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})", Auth()).status, 200);
    for (auto& s : slow) s->WriteRaw("a");
  }
  // An idle keep-alive connection is closed by the server (5 s idle timeout).
  HttpClient idle(port_);
  ASSERT_EQ(idle.Get("/health").status, 200);
  EXPECT_TRUE(idle.WaitForPeerClose(8s));
  EXPECT_TRUE(server_->Running());
  EXPECT_EQ(HttpClient(port_).Get("/health").status, 200);
}

TEST_F(ServeAcceptanceTest, CorsFollowsTheConfiguredOrigins) {
  AddRecipe("news");
  Start({{"RECOTEM_ALLOWED_ORIGINS", "https://app.example, https://admin.example"}});
  HttpClient client(port_);
  HttpResult preflight = client.Request("OPTIONS", "/v1/recipes/news:recommend", "",
                                        {{"Origin", "https://app.example"},
                                         {"Access-Control-Request-Method", "POST"},
                                         {"Access-Control-Request-Headers", "x-api-key"}});
  EXPECT_EQ(preflight.status, 200);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(preflight.Header("access-control-allow-credentials"), "");
  HttpResult denied = client.Request(
      "OPTIONS", "/v1/health", "",
      {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(denied.Header("access-control-allow-origin"), "");
  HttpResult simple = client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})",
                                  {{"X-API-Key", kApiKey}, {"Origin", "https://admin.example"}});
  EXPECT_EQ(simple.status, 200);
  EXPECT_EQ(simple.Header("access-control-allow-origin"), "https://admin.example");
  EXPECT_NE(simple.Header("access-control-expose-headers").find("X-Request-ID"), std::string::npos);
}

TEST_F(ServeAcceptanceTest, MetadataIsJoinedFromTheAllowListMinusTheDenyList) {
  WriteTextFile(
      dir_ / "items.csv",
      "item_id,title,price,internal,score\ni2,Two,20,secret,999\ni4,\"Four, 4\",40,x,1\n");
  AddRecipe("shop", "item_metadata:\n  type: csv\n  path: " + (dir_ / "items.csv") +
                        "\n  fields: [title, price, score]\n");
  Start({{"RECOTEM_METADATA_FIELD_DENY", "PRICE"}});
  HttpClient client(port_);
  HttpResult seed = client.Post("/predict/shop", R"({"user_id":"u1"})", Auth());
  ASSERT_EQ(seed.status, 200) << seed.body << server_->Stderr();
  EXPECT_EQ(seed.Json()["items"][0], Json::parse(R"({"title":"Two","item_id":"i2","score":1.0})"));
  EXPECT_EQ(seed.Json()["items"][1], Json::parse(R"({"item_id":"i3","score":1.0})"));
  HttpResult v1 = client.Post("/v1/recipes/shop:recommend", R"({"user_id":"u1"})", Auth());
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(v1.body.find("secret"), std::string::npos);
  EXPECT_EQ(v1.Json()["items"][2],
            Json::parse(R"({"item_id":"i4","score":0.0,"title":"Four, 4"})"));
  EXPECT_EQ(FindEvents(server_->Stderr(), "metadata_loaded").size(), 1u);
}

TEST_F(ServeAcceptanceTest, HotSwapCorruptArtifactRemovalAndRestore) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  ASSERT_EQ(ServedTrainedAt(client, "news"), "2026-01-01T00:00:00Z");
  std::string version_before =
      client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})", Auth())
          .Json()["model_version"];

  // A new artifact is served within the interval (1 s ± 10 %) plus load time.
  WriteBytesAtomically(ArtifactPath("news"), TopPopArtifact("news", "2026-02-02T00:00:00Z"));
  EXPECT_TRUE(
      Eventually([&] { return ServedTrainedAt(client, "news") == "2026-02-02T00:00:00Z"; }, 3s));
  HttpResult after = client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})", Auth());
  EXPECT_NE(after.Json()["model_version"], version_before);

  // A corrupt artifact: the old model keeps serving and the error is visible.
  std::vector<uint8_t> corrupt = TopPopArtifact("news", "2026-03-03T00:00:00Z");
  corrupt[corrupt.size() - 3] ^= 0x55;
  WriteBytesAtomically(ArtifactPath("news"), corrupt);
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResult d = client.Get("/health/details", Auth());
        return d.status == 503 && d.Json()["recipes"]["news"].contains("error");
      },
      3s));
  EXPECT_EQ(ServedTrainedAt(client, "news"), "2026-02-02T00:00:00Z");
  EXPECT_EQ(client.Get("/health").status, 503);     // seeds: stale = degraded
  EXPECT_EQ(client.Get("/v1/health").status, 200);  // newest: stale still counts as loaded
  EXPECT_FALSE(FindEvents(server_->Stderr(), "artifact_load_failed").empty());

  // The recipe is deleted: seeds 503, v1 404.
  std::filesystem::remove(YamlPath("news"));
  EXPECT_TRUE(Eventually(
      [&] { return client.Post("/predict/news", R"({"user_id":"u1"})", Auth()).status == 503; },
      3s));
  EXPECT_EQ(client.Post("/v1/recipes/news:recommend", R"({"user_id":"u1"})", Auth()).status, 404);
  EXPECT_EQ(FindEvents(server_->Stderr(), "recipe_removed").size(), 1u);

  // Restored with a good artifact: it serves again.
  AddRecipe("news", "", "2026-04-04T00:00:00Z");
  EXPECT_TRUE(
      Eventually([&] { return ServedTrainedAt(client, "news") == "2026-04-04T00:00:00Z"; }, 3s));
  EXPECT_EQ(client.Get("/health").status, 200);
  EXPECT_TRUE(server_->Running());
}

TEST_F(ServeAcceptanceTest, ARecipeAddedAtRuntimeIsDiscoveredAndServed) {
  Start();
  HttpClient client(port_);
  EXPECT_EQ(client.Post("/v1/recipes/late:recommend", R"({"user_id":"u1"})", Auth()).status, 404);
  AddRecipe("late");
  EXPECT_TRUE(Eventually(
      [&] {
        return client.Post("/v1/recipes/late:recommend", R"({"user_id":"u1"})", Auth()).status ==
               200;
      },
      3s));
  EXPECT_EQ(FindEvents(server_->Stderr(), "recipe_discovered").size(), 1u);
}

TEST_F(ServeAcceptanceTest, SigtermLetsInFlightRequestsFinishAndExitsZero) {
  AddRecipe("news");
  Start({{"RECOTEM_DRAIN_SECONDS", "5"}});
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      HttpClient client(port_, "127.0.0.1", 3000ms);
      while (!stop.load()) {
        HttpResult r;
        try {
          r = client.Post("/predict/news", R"({"user_id":"u1"})", Auth());
        } catch (const std::exception&) {
          break;  // connection refused: the listener is closed
        }
        if (r.status == 200) {
          ok.fetch_add(1);
        } else if (r.status != 0) {
          bad.fetch_add(1);  // a response that is not a success
        } else {
          break;  // connection refused or closed: the server is gone
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  int exit_code = server_->Stop(SIGTERM, 15s);
  stop.store(true);
  for (auto& c : clients) c.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(bad.load(), 0);
  std::string log = server_->Stderr();
  EXPECT_EQ(FindEvents(log, "artifact_watcher_stopped").size(), 1u);
  size_t watcher_stopped = log.find("\"artifact_watcher_stopped\"");
  size_t shutdown = log.find("\"serve_shutdown\"");
  ASSERT_NE(shutdown, std::string::npos);
  EXPECT_LT(watcher_stopped, shutdown);
}

}  // namespace
}  // namespace recotem::testing
