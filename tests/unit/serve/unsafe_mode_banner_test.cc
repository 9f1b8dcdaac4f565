#include "recotem/serve/unsafe_mode_banner.h"

#include <gtest/gtest.h>

#include <thread>

#include "log_capture.h"

namespace recotem::serve {
namespace {

using namespace std::chrono_literals;

TEST(UnsafeModeBanner, WarnsEveryIntervalButNeverAtStartUp) {
  testing::LogCapture logs;
  UnsafeModeBanner banner({{"INSECURE_NO_AUTH_ACTIVE", "auth is off"}}, "test", "0.0.0.0", 100ms);
  EXPECT_TRUE(logs.Events("INSECURE_NO_AUTH_ACTIVE").empty());
  std::this_thread::sleep_for(350ms);
  banner.Stop();
  auto events = logs.Events("INSECURE_NO_AUTH_ACTIVE");
  ASSERT_GE(events.size(), 2u);
  ASSERT_LE(events.size(), 4u);
  EXPECT_EQ(events[0]["level"], "warning");
  EXPECT_EQ(events[0]["message"], "auth is off");
  EXPECT_EQ(events[0]["env"], "test");
  EXPECT_EQ(events[0]["bind_host"], "0.0.0.0");
}

TEST(UnsafeModeBanner, StopReturnsPromptlyDuringALongInterval) {
  UnsafeModeBanner banner({{"DEV_ALLOW_UNSIGNED_ACTIVE", "x"}}, "development", "127.0.0.1",
                          std::chrono::hours(1));
  auto start = std::chrono::steady_clock::now();
  banner.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(UnsafeModeBanner, NoWarningsMeansNoThread) {
  testing::LogCapture logs;
  UnsafeModeBanner banner({}, "", "127.0.0.1", 1ms);
  std::this_thread::sleep_for(20ms);
  banner.Stop();
  EXPECT_EQ(logs.All(), "");
}

}  // namespace
}  // namespace recotem::serve
