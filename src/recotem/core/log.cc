#include "recotem/core/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "recotem/core/redaction.h"
#include "recotem/core/strings.h"

namespace recotem::log {
namespace {

struct LogState {
  std::mutex mu;
  Format format = Format::kAuto;
  std::function<void(const std::string&)> sink;
};

LogState& State() {
  static LogState* state = new LogState();  // never destroyed: usable at exit
  return *state;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
    case Level::kCritical:
      return "critical";
  }
  return "info";
}

std::string NowTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
  std::time_t secs = static_cast<std::time_t>(micros.count() / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros.count() % 1000000));
  return buf;
}

std::string Dump(const Fields& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RenderConsole(Level level, std::string_view logger, std::string_view event,
                          const Fields& redacted) {
  std::string line = NowTimestamp();
  line += " [";
  line += LevelName(level);
  line += "] ";
  line += event;
  for (auto it = redacted.begin(); it != redacted.end(); ++it) {
    line += ' ';
    line += it.key();
    line += '=';
    line += it.value().is_string() ? it.value().get<std::string>() : Dump(it.value());
  }
  line += " (";
  line += logger;
  line += ')';
  return line;
}

void Emit(const std::string& line) {
  LogState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.sink) {
    state.sink(line);
    return;
  }
  std::string out = line + "\n";
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

bool UseJson() {
  Format format;
  {
    LogState& state = State();
    std::lock_guard<std::mutex> lock(state.mu);
    format = state.format;
  }
  if (format == Format::kJson) return true;
  if (format == Format::kConsole) return false;
  return ::isatty(STDERR_FILENO) == 0;
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view raw) {
  std::string value = ToLower(Trim(raw));
  if (value.empty() || value == "auto") return Format::kAuto;
  if (value == "json") return Format::kJson;
  if (value == "console") return Format::kConsole;
  return std::nullopt;
}

void ConfigureFromEnvironment() {
  const char* raw = std::getenv("RECOTEM_LOG_FORMAT");
  Configure(ParseFormat(raw == nullptr ? "" : raw).value_or(Format::kAuto));
}

void Configure(Format format) {
  LogState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  state.format = format;
}

void SetSinkForTesting(std::function<void(const std::string& line)> sink) {
  LogState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  state.sink = std::move(sink);
}

std::string RenderJson(Level level, std::string_view logger, std::string_view event,
                       const Fields& fields) {
  Fields record = Fields::object();
  record["event"] = std::string(event);
  Fields redacted = fields;
  RedactFields(redacted);
  for (auto it = redacted.begin(); it != redacted.end(); ++it) {
    if (it.key() == "event") continue;
    record[it.key()] = it.value();
  }
  record["level"] = std::string(LevelName(level));
  record["logger"] = std::string(logger);
  record["timestamp"] = NowTimestamp();
  return Dump(record);
}

Logger::Logger(std::string name) : name_(std::move(name)) {}

Logger Logger::Bind(const Fields& context) const {
  Logger bound = *this;
  for (auto it = context.begin(); it != context.end(); ++it) bound.context_[it.key()] = it.value();
  return bound;
}

void Logger::Log(Level level, std::string_view event, Fields fields) const {
  if (level == Level::kDebug) return;  // minimum level is INFO (security.md §3.1)
  if (!fields.is_object()) fields = Fields::object();
  for (auto it = context_.begin(); it != context_.end(); ++it) {
    if (!fields.contains(it.key())) fields[it.key()] = it.value();
  }
  std::string line;
  if (UseJson()) {
    line = RenderJson(level, name_, event, fields);
  } else {
    RedactFields(fields);
    line = RenderConsole(level, name_, event, fields);
  }
  Emit(line);
}

}  // namespace recotem::log
