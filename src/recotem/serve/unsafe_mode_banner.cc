#include "recotem/serve/unsafe_mode_banner.h"

namespace recotem::serve {

UnsafeModeBanner::UnsafeModeBanner(std::vector<Warning> warnings, std::string env,
                                   std::string bind_host, std::chrono::milliseconds interval)
    : warnings_(std::move(warnings)),
      env_(std::move(env)),
      bind_host_(std::move(bind_host)),
      interval_(interval),
      logger_("recotem.serving.app") {
  if (!warnings_.empty()) {
    thread_ = std::thread([this] { Loop(); });
  }
}

UnsafeModeBanner::~UnsafeModeBanner() { Stop(); }

void UnsafeModeBanner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void UnsafeModeBanner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    for (const Warning& w : warnings_) {
      logger_.Warning(w.event, {{"message", w.message}, {"env", env_}, {"bind_host", bind_host_}});
    }
  }
}

}  // namespace recotem::serve
