// Captures rendered log lines for the duration of a test (log sink hook),
// with helpers to find events by name.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/core/log.h"

namespace recotem::serve::testing {

class LogCapture {
 public:
  LogCapture() {
    log::Configure(log::Format::kJson);
    log::SetSinkForTesting([this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<nlohmann::json> Events(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<nlohmann::json> out;
    for (const auto& line : lines_) {
      auto j = nlohmann::json::parse(line);
      if (j.value("event", "") == event) out.push_back(j);
    }
    return out;
  }
  std::string All() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string all;
    for (const auto& line : lines_) all += line + "\n";
    return all;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace recotem::serve::testing
