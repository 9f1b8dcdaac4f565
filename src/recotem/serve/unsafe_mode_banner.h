// UnsafeModeBanner: the repeating WARN lines of the unsafe modes (auth.md
// §5.2, serving.md §10): INSECURE_NO_AUTH_ACTIVE and DEV_ALLOW_UNSIGNED_ACTIVE
// {message, env, bind_host}, every 60 s (the seeds' interval) from a
// background thread. The first line comes after one interval, never at
// start-up. Stop() (or destruction) ends the thread promptly.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "recotem/core/log.h"

namespace recotem::serve {

inline constexpr std::chrono::seconds kUnsafeBannerInterval{60};

class UnsafeModeBanner {
 public:
  struct Warning {
    const char* event;
    std::string message;
  };

  // Starts the thread when `warnings` is non-empty.
  UnsafeModeBanner(std::vector<Warning> warnings, std::string env, std::string bind_host,
                   std::chrono::milliseconds interval = kUnsafeBannerInterval);
  ~UnsafeModeBanner();
  UnsafeModeBanner(const UnsafeModeBanner&) = delete;
  UnsafeModeBanner& operator=(const UnsafeModeBanner&) = delete;

  void Stop();

 private:
  void Loop();

  std::vector<Warning> warnings_;
  std::string env_;
  std::string bind_host_;
  std::chrono::milliseconds interval_;
  log::Logger logger_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace recotem::serve
