// Optuna's row encodings of datetimes and special floats (see optuna_encoding.h).
#include "recotem/tune/storage/optuna_encoding.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <string>

namespace recotem::tune::storage {

namespace {

constexpr int kFractionDigits = 6;

struct NaiveDatetime {
  std::tm tm{};
  int64_t micros = 0;
};

NaiveDatetime ParseNaive(const std::string& text) {
  NaiveDatetime out;
  int consumed = 0;
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &out.tm.tm_year, &out.tm.tm_mon,
                      &out.tm.tm_mday, &out.tm.tm_hour, &out.tm.tm_min, &out.tm.tm_sec, &consumed);
  if (n != 6) throw std::runtime_error("study storage: malformed datetime '" + text + "'");
  out.tm.tm_year -= 1900;
  out.tm.tm_mon -= 1;
  size_t at = static_cast<size_t>(consumed);
  if (at < text.size() && text[at] == '.') {
    int digits = 0;
    for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {
      if (digits++ < kFractionDigits) out.micros = out.micros * 10 + (text[at] - '0');
    }
    if (digits == 0) throw std::runtime_error("study storage: malformed datetime '" + text + "'");
    for (; digits < kFractionDigits; ++digits) out.micros *= 10;
  }
  if (at != text.size()) {
    throw std::runtime_error("study storage: malformed datetime '" + text + "'");
  }
  return out;
}

}  // namespace

std::string FormatOptunaDatetime(std::chrono::system_clock::time_point time) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm local{};
  localtime_r(&t, &local);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%06lld", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                static_cast<long long>((micros - seconds).count()));
  return buf;
}

std::chrono::system_clock::time_point ParseOptunaDatetime(const std::string& text) {
  NaiveDatetime naive = ParseNaive(text);
  naive.tm.tm_isdst = -1;
  std::time_t t = std::mktime(&naive.tm);
  return std::chrono::system_clock::from_time_t(t) + std::chrono::microseconds(naive.micros);
}

std::chrono::microseconds NaiveDatetimeMicros(const std::string& text) {
  NaiveDatetime naive = ParseNaive(text);
  std::time_t t = timegm(&naive.tm);
  return std::chrono::seconds(t) + std::chrono::microseconds(naive.micros);
}

EncodedValue EncodeOptunaValue(double value) {
  if (std::isnan(value)) return {std::nullopt, "NAN"};
  if (std::isinf(value)) return {std::nullopt, value > 0 ? "INF_POS" : "INF_NEG"};
  return {value, "FINITE"};
}

double DecodeOptunaValue(std::optional<double> value, const std::string& type) {
  if (type == "FINITE") {
    if (!value) throw std::runtime_error("study storage: FINITE value stored as NULL");
    return *value;
  }
  if (type == "INF_POS") return std::numeric_limits<double>::infinity();
  if (type == "INF_NEG") return -std::numeric_limits<double>::infinity();
  if (type == "NAN") return std::numeric_limits<double>::quiet_NaN();
  throw std::runtime_error("study storage: unknown value type '" + type + "'");
}

}  // namespace recotem::tune::storage
