// Reading the JSON log lines a `recotem` process wrote to stderr.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace recotem::testing {

// Every line of `stderr_text` that is a JSON object, parsed. A line that does
// not parse (a running server's last line, still being written) is skipped.
inline std::vector<nlohmann::json> Events(const std::string& stderr_text) {
  std::vector<nlohmann::json> events;
  std::istringstream in(stderr_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_discarded()) events.push_back(std::move(record));
  }
  return events;
}

// The non-empty lines of `stderr_text` that are not JSON objects.
inline std::vector<std::string> NonJsonLines(const std::string& stderr_text) {
  std::vector<std::string> lines;
  std::istringstream in(stderr_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (!nlohmann::json::accept(line) || line[0] != '{') lines.push_back(line);
  }
  return lines;
}

inline std::vector<std::string> EventNames(const std::string& stderr_text) {
  std::vector<std::string> names;
  for (const auto& e : Events(stderr_text)) names.push_back(e["event"]);
  return names;
}

// The first event called `name`, or null.
inline nlohmann::json FindEvent(const std::string& stderr_text, const std::string& name) {
  for (const auto& e : Events(stderr_text)) {
    if (e["event"] == name) return e;
  }
  return nullptr;
}

// Every event called `name`.
inline std::vector<nlohmann::json> FindEvents(const std::string& stderr_text,
                                              const std::string& name) {
  std::vector<nlohmann::json> found;
  for (const auto& e : Events(stderr_text)) {
    if (e["event"] == name) found.push_back(e);
  }
  return found;
}

}  // namespace recotem::testing
