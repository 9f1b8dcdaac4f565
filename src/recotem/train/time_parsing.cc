#include "recotem/train/time_parsing.h"

#include <cmath>

#include "recotem/core/errors.h"

namespace recotem {
namespace {

constexpr int64_t kNsPerSecond = 1000000000LL;

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view s, size_t& pos, size_t count, int64_t* out) {
  if (pos + count > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += count;
  *out = v;
  return true;
}

// A coarse description of a value's layout, used to reject mixed formats.
std::string LayoutOf(std::string_view s) {
  std::string layout;
  for (char c : s) layout.push_back(c >= '0' && c <= '9' ? '9' : c);
  // Fractions and offsets may vary in digits; compare only the date/time
  // skeleton up to the seconds.
  return layout.substr(0, std::min<size_t>(layout.size(), 19));
}

}  // namespace

std::optional<int64_t> ParseIsoDateTimeNs(std::string_view s) {
  size_t pos = 0;
  int64_t year, month, day;
  if (!ReadDigits(s, pos, 4, &year) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, pos, 2, &month) || pos >= s.size() || s[pos++] != '-' ||
      !ReadDigits(s, pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDaysInMonth[month - 1] || (month == 2 && day == 29 && !leap)) return std::nullopt;
  int64_t hour = 0, minute = 0, second = 0, nanos = 0, offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    ++pos;
    if (!ReadDigits(s, pos, 2, &hour) || pos >= s.size() || s[pos++] != ':' ||
        !ReadDigits(s, pos, 2, &minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadDigits(s, pos, 2, &second)) return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int64_t scale = 100000000;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (scale > 0) nanos += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size()) {
      if (s[pos] == 'Z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t oh, om = 0;
        if (!ReadDigits(s, pos, 2, &oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !ReadDigits(s, pos, 2, &om)) return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offset_seconds = sign * (oh * 3600 + om * 60);
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kNsPerSecond + nanos;
}

std::vector<std::optional<int64_t>> ParseTimeColumn(const Column& column,
                                                    const std::optional<std::string>& time_unit) {
  std::vector<std::optional<int64_t>> out(column.size());
  if (column.kind() != ColumnKind::kString) {
    if (!time_unit) {
      throw TrainingError("time column '" + column.name() +
                              "' is numeric; set schema.time_unit to one of s, ms, us, ns",
                          "time_unit_required");
    }
    double scale = *time_unit == "s"    ? 1e9
                   : *time_unit == "ms" ? 1e6
                   : *time_unit == "us" ? 1e3
                                        : 1.0;
    for (size_t r = 0; r < column.size(); ++r) {
      if (column.IsNull(r)) continue;
      double ns = column.Number(r) * scale;
      if (!std::isfinite(ns) || std::fabs(ns) > 9.2e18) {
        throw TrainingError("time column '" + column.name() + "': value '" +
                                std::string(column.Raw(r)) + "' is out of range",
                            "time_column_parse_error");
      }
      out[r] = static_cast<int64_t>(std::llround(ns));
    }
    return out;
  }
  std::optional<std::string> layout;
  for (size_t r = 0; r < column.size(); ++r) {
    if (column.IsNull(r)) continue;
    std::string_view raw = column.Raw(r);
    std::optional<int64_t> ns = ParseIsoDateTimeNs(raw);
    std::string this_layout = LayoutOf(raw);
    if (!layout) layout = this_layout;
    if (!ns || this_layout != *layout) {
      throw TrainingError("time column '" + column.name() + "': cannot parse '" + std::string(raw) +
                              "' (row " + std::to_string(r) +
                              ") as a date-time in the column's format",
                          "time_column_parse_error");
    }
    out[r] = *ns;
  }
  return out;
}

}  // namespace recotem
