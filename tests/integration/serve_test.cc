// `recotem serve` end to end: the real binary, real signed artifacts and
// recipe files in a temp directory, a real HTTP client over TCP.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

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

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

class ServeTest : public ::testing::Test {
 protected:
  ServeTest() {
    std::filesystem::create_directories(dir_ / "recipes");
    std::filesystem::create_directories(dir_ / "artifacts");
  }

  void AddRecipe(const std::string& name, bool corrupt = false) {
    std::string artifact = dir_ / ("artifacts/" + name + ".recotem");
    std::vector<uint8_t> bytes = TopPopArtifact(name);
    if (corrupt) bytes[0] = 'X';  // magic bytes mismatch
    WriteBytes(artifact, bytes);
    WriteTextFile(dir_ / ("recipes/" + name + ".yaml"), RecipeYaml(name, artifact));
  }

  std::map<std::string, std::string> BaseEnv() const {
    return {{"RECOTEM_SIGNING_KEYS", kSigningKeys},
            {"RECOTEM_API_KEYS", kApiKeys},
            {"RECOTEM_LOG_FORMAT", "json"}};
  }

  std::vector<std::string> ServeArgs(int port) const {
    return {"serve",     "--recipes", dir_ / "recipes", "--port", std::to_string(port),
            "--threads", "2"};
  }

  // Starts serve and waits until it answers HTTP.
  void Start(std::map<std::string, std::string> env = {}, std::vector<std::string> extra = {}) {
    std::map<std::string, std::string> full = BaseEnv();
    for (auto& [k, v] : env) full[k] = v;
    StartedServe started = StartServeOnFreePort(
        [&](int port) {
          std::vector<std::string> args = ServeArgs(port);
          args.insert(args.end(), extra.begin(), extra.end());
          return args;
        },
        full);
    ASSERT_TRUE(started.process) << started.error;
    server_ = std::move(started.process);
    port_ = started.port;
  }

  std::map<std::string, std::string> Auth() const { return {{"X-API-Key", kApiKey}}; }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> server_;
};

TEST_F(ServeTest, PredictReturnsRankedUnseenItemsWithTheModelBlock) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  auto headers = Auth();
  headers["X-Request-ID"] = "trace-42";
  HttpResult r = client.Post("/predict/news", R"({"user_id":"u1","cutoff":3})", headers);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("x-request-id"), "trace-42");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  // u1 saw i0 and i1; i2/i3 tie at 1 (lower index first), i4 scores 0.
  EXPECT_EQ(r.body, R"({"items":[{"item_id":"i2","score":1.0},{"item_id":"i3","score":1.0},)"
                    R"({"item_id":"i4","score":0.0}],"model":{"recipe":"news",)"
                    R"("trained_at":"2026-03-04T05:06:07Z","best_class":"TopPopRecommender",)"
                    R"("kid":"prod-1"},"request_id":"trace-42"})");
  // Keep-alive: a second call reuses the connection.
  HttpResult again = client.Post("/predict/news", R"({"user_id":"u3"})", Auth());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["items"].size(), 3u);
  EXPECT_EQ(client.connections_opened(), 1);
  std::string generated = again.Json()["request_id"];
  EXPECT_EQ(generated.size(), 36u);
}

TEST_F(ServeTest, WrongOrMissingKeyIs401WithTheNestedBody) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  HttpResult wrong = client.Post("/predict/news", R"({"user_id":"u1"})",
                                 {{"X-API-Key", "not-the-key-not-the-key-not-the-key"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json(), Json::parse(R"({"detail":{"detail":"Invalid API key",
                                          "code":"invalid_api_key"}})"));
  HttpResult missing = client.Post("/predict/news", R"({"user_id":"u1"})");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.Json(), Json::parse(R"({"detail":{"detail":"X-API-Key header required",
                                            "code":"missing_api_key"}})"));
  EXPECT_EQ(client.Get("/models").status, 401);
  EXPECT_EQ(client.Get("/health/details").status, 401);
  EXPECT_EQ(client.Get("/health").status, 200);  // public
  std::string log = server_->Stderr();
  EXPECT_EQ(FindEvents(log, "auth_invalid_key").size(), 1u);
  EXPECT_EQ(log.find("not-the-key"), std::string::npos);
}

TEST_F(ServeTest, UnknownUserIs404UserNotFound) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  HttpResult r = client.Post("/predict/news", R"({"user_id":"stranger"})", Auth());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Json()["detail"]["code"], "user_not_found");
  EXPECT_EQ(r.Json()["detail"]["detail"], "User 'stranger' was not seen during training");
}

TEST_F(ServeTest, ACorruptArtifactDegradesHealthWhileOtherRecipesServe) {
  AddRecipe("good");
  AddRecipe("broken", /*corrupt=*/true);
  Start();
  HttpClient client(port_);
  HttpResult broken = client.Post("/predict/broken", R"({"user_id":"u1"})", Auth());
  EXPECT_EQ(broken.status, 503);
  EXPECT_EQ(broken.Json(), Json::parse(R"({"detail":{"detail":
      "Recipe 'broken' is not loaded or unhealthy","code":"recipe_unavailable"}})"));
  EXPECT_EQ(client.Post("/predict/good", R"({"user_id":"u1"})", Auth()).status, 200);
  EXPECT_EQ(client.Post("/predict/absent", R"({"user_id":"u1"})", Auth()).status, 503);

  HttpResult health = client.Get("/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, R"({"status":"degraded","total":2,"loaded":1})");

  HttpResult details = client.Get("/health/details", Auth());
  EXPECT_EQ(details.status, 503);
  Json recipes = details.Json()["recipes"];
  EXPECT_EQ(recipes["good"]["loaded"], true);
  EXPECT_EQ(recipes["good"]["kid"], "prod-1");
  EXPECT_EQ(recipes["broken"]["loaded"], false);
  std::string error = recipes["broken"]["error"];
  EXPECT_EQ(error.rfind("parse failed: magic bytes mismatch", 0), 0u) << error;

  HttpResult models = client.Get("/models", Auth());
  ASSERT_EQ(models.status, 200);
  ASSERT_EQ(models.Json().size(), 1u);
  EXPECT_EQ(models.Json()[0]["name"], "good");
  EXPECT_EQ(models.Json()[0]["kid"], "prod-1");
  EXPECT_EQ(models.Json()[0]["best_class"], "TopPopRecommender");

  std::string log = server_->Stderr();
  EXPECT_EQ(FindEvents(log, "initial_artifact_parse_failed").size(), 1u);
  auto complete = FindEvents(log, "startup_artifact_load_complete");
  ASSERT_EQ(complete.size(), 1u);
  EXPECT_EQ(complete[0]["succeeded"], 1);
  EXPECT_EQ(complete[0]["failed"], 1);
}

TEST_F(ServeTest, RoutingAndRequestLimitErrors) {
  AddRecipe("news");
  Start();
  HttpClient client(port_);
  HttpResult unknown = client.Get("/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"detail":"Not Found"})");
  HttpResult method = client.Get("/predict/news", Auth());
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.body, R"({"detail":"Method Not Allowed"})");
  HttpResult malformed = client.Post("/predict/news", R"({"user_id": "u1",)", Auth());
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(malformed.Json()["detail"][0]["type"], "json_invalid");
  HttpResult bad_cutoff = client.Post("/predict/news", R"({"user_id":"u1","cutoff":1001})", Auth());
  EXPECT_EQ(bad_cutoff.status, 422);
  EXPECT_EQ(bad_cutoff.Json()["detail"][0]["loc"], Json::parse(R"(["body","cutoff"])"));
  HttpResult bad_host = client.Get("/health", {{"Host", "evil.example.com"}});
  EXPECT_EQ(bad_host.status, 400);
  EXPECT_EQ(bad_host.body, "Invalid host header");
  EXPECT_EQ(client.connections_opened(), 1);  // all of the above on one connection

  HttpClient big_header(port_);
  HttpResult r431 = big_header.Get("/health", {{"X-Filler", std::string(20000, 'x')}});
  EXPECT_EQ(r431.status, 431);

  HttpClient big_body(port_);
  big_body.WriteRaw("POST /predict/news HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + kApiKey +
                    "\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{");
  HttpResult r413 = big_body.ReadResponse();
  EXPECT_EQ(r413.status, 413);
}

TEST_F(ServeTest, SigtermDrainsAndExitsZeroWithServeShutdownLast) {
  AddRecipe("news");
  Start({{"RECOTEM_DRAIN_SECONDS", "5"}});
  HttpClient client(port_);
  ASSERT_EQ(client.Post("/predict/news", R"({"user_id":"u1"})", Auth()).status, 200);
  EXPECT_EQ(server_->Stop(SIGTERM, 10s), 0);
  auto lines = Events(server_->Stderr());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["event"], "serve_shutdown");
  EXPECT_EQ(lines.back()["drain_seconds"], 5);
  EXPECT_EQ(lines.back()["signal"], "SIGTERM");
}

TEST_F(ServeTest, SigintAlsoExitsZero) {
  Start();
  EXPECT_EQ(server_->Stop(SIGINT, 10s), 0);
  EXPECT_EQ(FindEvents(server_->Stderr(), "serve_shutdown").size(), 1u);
}

TEST_F(ServeTest, StartsWithZeroRecipesAndLogsTheSecurityPosture) {
  Start();
  HttpClient client(port_);
  HttpResult health = client.Get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","total":0,"loaded":0})");
  auto posture = FindEvents(server_->Stderr(), "security.posture");
  ASSERT_EQ(posture.size(), 1u);
  EXPECT_EQ(posture[0]["auth_enabled"], true);
  EXPECT_EQ(posture[0]["signing_key_status"], "configured");
  EXPECT_EQ(posture[0]["signing_kids"], Json::parse(R"(["prod-1"])"));
  EXPECT_EQ(posture[0]["signing_keys"][0]["fingerprint"].get<std::string>().size(), 8u);
  EXPECT_EQ(posture[0]["bind_host"], "127.0.0.1");
  EXPECT_EQ(posture[0]["unsafe_mode"], false);
}

TEST_F(ServeTest, WithoutApiKeysTheHostIsForcedToLoopbackAndCallsAreAnonymous) {
  AddRecipe("news");
  Start({{"RECOTEM_API_KEYS", ""}}, {"--host", "0.0.0.0"});
  HttpClient client(port_);
  EXPECT_EQ(client.Post("/predict/news", R"({"user_id":"u1"})").status, 200);
  std::string log = server_->Stderr();
  auto forced = FindEvents(log, "host_forced_to_loopback");
  ASSERT_EQ(forced.size(), 1u);
  EXPECT_EQ(forced[0]["requested_host"], "0.0.0.0");
  EXPECT_EQ(forced[0]["reason"], "no_api_keys_and_no_insecure_flag");
  EXPECT_EQ(FindEvents(log, "security.posture")[0]["auth_enabled"], false);
  EXPECT_EQ(FindEvents(log, "auth_anonymous_bypass_first_seen").size(), 1u);
}

TEST_F(ServeTest, InsecureNoAuthIsOnlyAllowedInDevelopmentEnvironments) {
  ProcessResult refused = RunRecotem({"serve", "--recipes", dir_ / "recipes", "--insecure-no-auth"},
                                     BaseEnv(), "", 30s);
  EXPECT_EQ(refused.exit_code, 8);
  EXPECT_NE(refused.err.find("--insecure-no-auth is only permitted when RECOTEM_ENV is one of"),
            std::string::npos)
      << refused.err;

  AddRecipe("news");
  Start({{"RECOTEM_ENV", "Test"}}, {"--insecure-no-auth"});
  HttpClient client(port_);
  EXPECT_EQ(client.Post("/predict/news", R"({"user_id":"u1"})").status, 200);
  auto posture = FindEvents(server_->Stderr(), "security.posture");
  ASSERT_EQ(posture.size(), 1u);
  EXPECT_EQ(posture[0]["auth_enabled"], false);
  EXPECT_EQ(posture[0]["unsafe_mode"], true);
}

TEST_F(ServeTest, ConfigurationErrorsExitEight) {
  auto run = [&](std::map<std::string, std::string> extra, std::vector<std::string> args = {}) {
    std::map<std::string, std::string> env = BaseEnv();
    for (auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> full = {"serve", "--recipes", dir_ / "recipes"};
    full.insert(full.end(), args.begin(), args.end());
    return RunRecotem(full, env, "", 30s);
  };
  ProcessResult port = run({{"RECOTEM_PORT", "70000"}});
  EXPECT_EQ(port.exit_code, 8);
  EXPECT_NE(port.err.find("Configuration error: RECOTEM_PORT"), std::string::npos) << port.err;

  ProcessResult caps =
      run({{"RECOTEM_MAX_ARTIFACT_BYTES", "2000000"}, {"RECOTEM_MAX_PAYLOAD_BYTES", "3000000"}});
  EXPECT_EQ(caps.exit_code, 8);
  EXPECT_NE(caps.err.find("RECOTEM_MAX_PAYLOAD_BYTES (3000000) must be <= "
                          "RECOTEM_MAX_ARTIFACT_BYTES (2000000)"),
            std::string::npos)
      << caps.err;

  ProcessResult format = run({{"RECOTEM_LOG_FORMAT", "structured"}});
  EXPECT_EQ(format.exit_code, 8);

  ProcessResult keys = run({{"RECOTEM_API_KEYS", "dev:sha256:tooshort"}});
  EXPECT_EQ(keys.exit_code, 8);

  ProcessResult companion = run({{"RECOTEM_ENV", "development"}}, {"--dev-allow-unsigned"});
  EXPECT_EQ(companion.exit_code, 8);
  EXPECT_NE(companion.err.find("--i-understand-this-loads-arbitrary-code"), std::string::npos);
}

TEST_F(ServeTest, MissingSigningKeysExitEightAfterThePostureLine) {
  std::map<std::string, std::string> env = BaseEnv();
  env.erase("RECOTEM_SIGNING_KEYS");
  ProcessResult r = RunRecotem({"serve", "--recipes", dir_ / "recipes"}, env, "", 30s);
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_NE(r.err.find("Server startup failed: RECOTEM_SIGNING_KEYS is not set. A signing key is "
                       "required to verify artifacts. Use 'recotem keygen --type signing' to "
                       "generate one, or set RECOTEM_SIGNING_KEYS=<kid>:<hex64>."),
            std::string::npos)
      << r.err;
  auto posture = FindEvents(r.err, "security.posture");
  ASSERT_EQ(posture.size(), 1u);
  EXPECT_EQ(posture[0]["signing_key_status"], "missing");
}

TEST_F(ServeTest, MalformedSigningKeysExitFive) {
  std::map<std::string, std::string> env = BaseEnv();
  env["RECOTEM_SIGNING_KEYS"] = "prod:nothex";
  ProcessResult r = RunRecotem({"serve", "--recipes", dir_ / "recipes"}, env, "", 30s);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(FindEvents(r.err, "security.posture").size(), 1u);
}

// A socket listening on 127.0.0.1 (its port in *port), or -1.
int ListenOnAFreeLoopbackPort(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 1) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

TEST_F(ServeTest, APortInUseIsServeBindFailedAndExitEight) {
  int port = 0;
  int fd = ListenOnAFreeLoopbackPort(&port);
  ASSERT_GE(fd, 0);
  ProcessResult r = RunRecotem(ServeArgs(port), BaseEnv(), "", 30s);
  ::close(fd);
  EXPECT_EQ(r.exit_code, 8);
  auto failed = FindEvents(r.err, "serve_bind_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["port"], port);
  EXPECT_EQ(failed[0]["host"], "127.0.0.1");
  EXPECT_EQ(failed[0]["errno"], EADDRINUSE);
}

// The fixtures' start helper: when the port it picked is taken before serve
// binds it (here: the first attempt is pointed at a port this test holds),
// serve exits 8 and the helper starts it again on a fresh port.
TEST_F(ServeTest, TheStartHelperRetriesOnAFreshPortAfterABindFailure) {
  AddRecipe("news");
  int taken = 0;
  int fd = ListenOnAFreeLoopbackPort(&taken);
  ASSERT_GE(fd, 0);
  int calls = 0;
  StartedServe started = StartServeOnFreePort(
      [&](int port) { return ServeArgs(calls++ == 0 ? taken : port); }, BaseEnv());
  ::close(fd);
  ASSERT_TRUE(started.process) << started.error;
  EXPECT_EQ(calls, 2);
  EXPECT_NE(started.port, taken);
  HttpClient client(started.port);
  EXPECT_EQ(client.Get("/health").status, 200);
}

TEST_F(ServeTest, AMissingRecipesDirectoryIsAUsageErrorExitTwo) {
  ProcessResult r = RunRecotem({"serve", "--recipes", dir_ / "nope"}, BaseEnv(), "", 30s);
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace recotem::testing
