// Structured logging: one JSON object per line on stderr (or a readable
// console line), always with `event`, `level`, `logger` and `timestamp`.
// Every record is redacted (redaction.h) before it is rendered. Event names
// are spelled once, in events.h.
//
// Thread-safety: Logger objects are immutable values; Log() may be called
// from any thread, each record is written with a single write(2).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem::log {

using Fields = nlohmann::ordered_json;

enum class Level { kDebug, kInfo, kWarning, kError, kCritical };
enum class Format { kAuto, kJson, kConsole };

// Parses a RECOTEM_LOG_FORMAT value (case-insensitive, trimmed); nullopt when
// it is none of auto/json/console. Empty means auto.
std::optional<Format> ParseFormat(std::string_view raw);

// Reads RECOTEM_LOG_FORMAT; an invalid value falls back to auto (serve
// validates it separately and exits 8).
void ConfigureFromEnvironment();
void Configure(Format format);

// Test hook: every rendered line (without the newline) goes to `sink` instead
// of stderr. Pass nullptr to restore stderr.
void SetSinkForTesting(std::function<void(const std::string& line)> sink);

// Renders one record to a JSON line after redaction; exposed for tests.
std::string RenderJson(Level level, std::string_view logger, std::string_view event,
                       const Fields& fields);

class Logger {
 public:
  explicit Logger(std::string name);

  // A copy of this logger whose records also carry `context` (e.g. recipe,
  // run_id, request_id). Later keys override earlier ones.
  Logger Bind(const Fields& context) const;

  void Log(Level level, std::string_view event, Fields fields = Fields::object()) const;
  void Debug(std::string_view event, Fields fields = Fields::object()) const {
    Log(Level::kDebug, event, std::move(fields));
  }
  void Info(std::string_view event, Fields fields = Fields::object()) const {
    Log(Level::kInfo, event, std::move(fields));
  }
  void Warning(std::string_view event, Fields fields = Fields::object()) const {
    Log(Level::kWarning, event, std::move(fields));
  }
  void Error(std::string_view event, Fields fields = Fields::object()) const {
    Log(Level::kError, event, std::move(fields));
  }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  Fields context_ = Fields::object();
};

}  // namespace recotem::log
