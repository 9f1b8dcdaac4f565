#include "recotem/serve/serve_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "log_capture.h"
#include "recotem/core/errors.h"

namespace recotem::serve {
namespace {

const char* const kVars[] = {"RECOTEM_HOST",
                             "RECOTEM_PORT",
                             "RECOTEM_WATCH_INTERVAL",
                             "RECOTEM_API_KEYS",
                             "RECOTEM_ALLOWED_HOSTS",
                             "RECOTEM_ALLOWED_ORIGINS",
                             "RECOTEM_DRAIN_SECONDS",
                             "RECOTEM_METADATA_FIELD_DENY",
                             "RECOTEM_METRICS_ENABLED",
                             "RECOTEM_STARTUP_PARALLELISM",
                             "RECOTEM_MAX_ARTIFACT_BYTES",
                             "RECOTEM_MAX_PAYLOAD_BYTES",
                             "RECOTEM_LOG_FORMAT",
                             "RECOTEM_ENV"};

class ServeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  void TearDown() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  static void Set(const char* name, const char* value) { ::setenv(name, value, 1); }
  static std::string ErrorFor(const char* name, const char* value) {
    Set(name, value);
    try {
      ServeConfig::FromEnvironment();
    } catch (const ConfigError& e) {
      ::unsetenv(name);
      return e.what();
    }
    ::unsetenv(name);
    return "";
  }
  testing::LogCapture logs_;
};

TEST_F(ServeConfigTest, DefaultsMatchTheSpec) {
  ServeConfig c = ServeConfig::FromEnvironment();
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_DOUBLE_EQ(c.watch_interval_seconds, 5.0);
  EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"127.0.0.1", "localhost"}));
  EXPECT_TRUE(c.allowed_origins.empty());
  EXPECT_EQ(c.drain_seconds, 30);
  EXPECT_FALSE(c.metrics_enabled);
  EXPECT_FALSE(c.startup_parallelism);
  EXPECT_TRUE(c.api_keys.empty());
  EXPECT_EQ(c.caps.artifact_bytes, 2147483648ULL);
  EXPECT_EQ(c.caps.payload_bytes, 536870912ULL);
  EXPECT_EQ(c.log_format, log::Format::kAuto);
}

TEST_F(ServeConfigTest, PortMustBeAnIntegerInRange) {
  EXPECT_NE(ErrorFor("RECOTEM_PORT", "0").find("RECOTEM_PORT"), std::string::npos);
  EXPECT_FALSE(ErrorFor("RECOTEM_PORT", "65536").empty());
  EXPECT_FALSE(ErrorFor("RECOTEM_PORT", "http").empty());
  Set("RECOTEM_PORT", " 9090 ");
  EXPECT_EQ(ServeConfig::FromEnvironment().port, 9090);
}

TEST_F(ServeConfigTest, WatchIntervalIsClampedSilentlyButMustBeNumeric) {
  Set("RECOTEM_WATCH_INTERVAL", "0.2");
  EXPECT_DOUBLE_EQ(ServeConfig::FromEnvironment().watch_interval_seconds, 1.0);
  Set("RECOTEM_WATCH_INTERVAL", "99");
  EXPECT_DOUBLE_EQ(ServeConfig::FromEnvironment().watch_interval_seconds, 30.0);
  EXPECT_TRUE(logs_.Events("env_var_clamped").empty());
  EXPECT_FALSE(ErrorFor("RECOTEM_WATCH_INTERVAL", "soon").empty());
}

TEST_F(ServeConfigTest, LogFormatIsCaseInsensitiveAndValidated) {
  Set("RECOTEM_LOG_FORMAT", "JSON");
  EXPECT_EQ(ServeConfig::FromEnvironment().log_format, log::Format::kJson);
  EXPECT_EQ(ErrorFor("RECOTEM_LOG_FORMAT", "structured"),
            "RECOTEM_LOG_FORMAT must be one of auto, json, console; got 'structured'");
}

TEST_F(ServeConfigTest, PayloadCapAboveArtifactCapIsAConfigError) {
  Set("RECOTEM_MAX_ARTIFACT_BYTES", "2000000");
  EXPECT_NE(ErrorFor("RECOTEM_MAX_PAYLOAD_BYTES", "3000000").find("must be <="), std::string::npos);
  Set("RECOTEM_MAX_PAYLOAD_BYTES", "2000000");
  EXPECT_EQ(ServeConfig::FromEnvironment().caps.payload_bytes, 2000000u);  // equal is fine
}

TEST_F(ServeConfigTest, DrainSecondsAreClampedWithWarnings) {
  Set("RECOTEM_DRAIN_SECONDS", "0");
  EXPECT_EQ(ServeConfig::FromEnvironment().drain_seconds, 1);
  Set("RECOTEM_DRAIN_SECONDS", "99999");
  EXPECT_EQ(ServeConfig::FromEnvironment().drain_seconds, 300);
  Set("RECOTEM_DRAIN_SECONDS", "garbage");
  EXPECT_EQ(ServeConfig::FromEnvironment().drain_seconds, 30);
  EXPECT_EQ(logs_.Events("env_var_clamped").size(), 2u);
  EXPECT_EQ(logs_.Events("env_var_unparseable").size(), 1u);
}

TEST_F(ServeConfigTest, AllowedHostsFallBackToTheDefaultWhenBlank) {
  Set("RECOTEM_ALLOWED_HOSTS", " , ,");
  EXPECT_EQ(ServeConfig::FromEnvironment().allowed_hosts.size(), 2u);
  Set("RECOTEM_ALLOWED_HOSTS", "api.example.com, *.svc ");
  EXPECT_EQ(ServeConfig::FromEnvironment().allowed_hosts,
            (std::vector<std::string>{"api.example.com", "*.svc"}));
}

TEST_F(ServeConfigTest, StartupParallelismIsAutoUnlessSetAndClamped) {
  ServeConfig c = ServeConfig::FromEnvironment();
  EXPECT_EQ(c.StartupWorkers(0), 1);
  EXPECT_EQ(c.StartupWorkers(3), 3);
  EXPECT_EQ(c.StartupWorkers(50), 8);
  Set("RECOTEM_STARTUP_PARALLELISM", "0");
  EXPECT_EQ(ServeConfig::FromEnvironment().StartupWorkers(5), 1);
  Set("RECOTEM_STARTUP_PARALLELISM", "64");
  EXPECT_EQ(ServeConfig::FromEnvironment().StartupWorkers(5), 32);
  Set("RECOTEM_STARTUP_PARALLELISM", "many");
  EXPECT_EQ(ServeConfig::FromEnvironment().StartupWorkers(5), 5);
}

TEST_F(ServeConfigTest, ApiKeysAndFlagsAreRead) {
  Set("RECOTEM_API_KEYS",
      "dev:sha256:21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125");
  Set("RECOTEM_METRICS_ENABLED", " Yes ");
  Set("RECOTEM_METADATA_FIELD_DENY", "Email, SSN");
  ServeConfig c = ServeConfig::FromEnvironment();
  EXPECT_EQ(c.api_keys.size(), 1u);
  EXPECT_TRUE(c.metrics_enabled);
  EXPECT_EQ(c.metadata_field_deny, (std::vector<std::string>{"email", "ssn"}));
  EXPECT_NE(ErrorFor("RECOTEM_API_KEYS", "dev:sha256:abc").find("got 3"), std::string::npos);
}

}  // namespace
}  // namespace recotem::serve
