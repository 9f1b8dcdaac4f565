// Starting `recotem serve` for integration tests on a free port.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process.h"

namespace recotem::testing {

struct StartedServe {
  std::unique_ptr<BackgroundProcess> process;  // null when serve never answered
  int port = 0;
  std::string error;  // the last attempt's stderr when process is null
};

// Starts the binary with `args_for(port)` on a FreePort() and waits until it
// answers HTTP. FreePort() is racy — a test running in parallel can take the
// port before serve binds it; serve then exits 8 with serve_bind_failed, and
// this starts it again on a fresh port (up to five times). A server that
// exits for any other reason, or never answers within `timeout`, fails.
StartedServe StartServeOnFreePort(const std::function<std::vector<std::string>(int)>& args_for,
                                  const std::map<std::string, std::string>& env,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace recotem::testing
