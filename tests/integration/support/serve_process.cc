#include "serve_process.h"

#include "http_client.h"

namespace recotem::testing {

namespace {

constexpr int kBindAttempts = 5;
constexpr std::chrono::milliseconds kPollSlice(100);

}  // namespace

StartedServe StartServeOnFreePort(const std::function<std::vector<std::string>(int)>& args_for,
                                  const std::map<std::string, std::string>& env,
                                  std::chrono::milliseconds timeout) {
  StartedServe started;
  for (int attempt = 0; attempt < kBindAttempts; ++attempt) {
    started.port = FreePort();
    auto process = std::make_unique<BackgroundProcess>(args_for(started.port), env);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && process->Running()) {
      if (WaitForHttpServer(started.port, kPollSlice)) {
        started.process = std::move(process);
        return started;
      }
    }
    started.error = process->Stderr();
    if (process->Running() || started.error.find("serve_bind_failed") == std::string::npos) {
      return started;  // not the port race: report it
    }
  }
  return started;
}

}  // namespace recotem::testing
