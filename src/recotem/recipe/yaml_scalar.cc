#include "recotem/recipe/yaml_scalar.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

namespace recotem {
namespace {

constexpr std::string_view kYamlTagPrefix = "tag:yaml.org,2002:";

// A forward-only cursor over the scalar text; each matcher below is a direct
// transcription of one alternative of PyYAML's implicit-resolver regexes.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  bool Take(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++i_;
    return true;
  }
  bool TakeIf(bool (*pred)(char)) {
    if (AtEnd() || !pred(s_[i_])) return false;
    ++i_;
    return true;
  }
  size_t TakeWhile(bool (*pred)(char)) {
    size_t n = 0;
    while (TakeIf(pred)) ++n;
    return n;
  }
  void TakeSign() {
    if (Peek() == '+' || Peek() == '-') ++i_;
  }
  size_t pos() const { return i_; }
  void set_pos(size_t p) { i_ = p; }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsDigitOrUnderscore(char c) { return IsDigit(c) || c == '_'; }
bool IsBinOrUnderscore(char c) { return c == '0' || c == '1' || c == '_'; }
bool IsOctOrUnderscore(char c) { return (c >= '0' && c <= '7') || c == '_'; }
bool IsHexOrUnderscore(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_';
}
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// (?::[0-5]?[0-9])+ — at least one sexagesimal group.
bool TakeSexagesimalGroups(Cursor& c) {
  int groups = 0;
  for (;;) {
    size_t start = c.pos();
    if (!c.Take(':')) break;
    size_t digits = c.TakeWhile(IsDigit);
    // [0-5]?[0-9]: one digit, or two with the first in 0-5.
    if (digits == 1) {
      ++groups;
      continue;
    }
    if (digits == 2) {
      // Re-check the first digit's range by looking back.
      c.set_pos(c.pos() - 2);
      char first = c.Peek();
      c.set_pos(c.pos() + 2);
      if (first <= '5') {
        ++groups;
        continue;
      }
    }
    c.set_pos(start);
    break;
  }
  return groups > 0;
}

// (?:[eE][-+][0-9]+)? — the exponent needs a sign in YAML 1.1.
void TakeOptionalExponent(Cursor& c) {
  size_t start = c.pos();
  if (c.Take('e') || c.Take('E')) {
    if ((c.Take('-') || c.Take('+')) && c.TakeWhile(IsDigit) > 0) return;
  }
  c.set_pos(start);
}

bool MatchesWhole(std::string_view s, bool (*matcher)(Cursor&)) {
  Cursor c(s);
  return matcher(c) && c.AtEnd();
}

bool IsYamlBool(std::string_view s, bool* value) {
  static constexpr std::array<std::string_view, 9> kTrue = {"yes",  "Yes", "YES", "true", "True",
                                                            "TRUE", "on",  "On",  "ON"};
  static constexpr std::array<std::string_view, 9> kFalse = {
      "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto t : kTrue) {
    if (s == t) return *value = true, true;
  }
  for (auto f : kFalse) {
    if (s == f) return *value = false, true;
  }
  return false;
}

bool IsYamlNull(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool MatchFloat(std::string_view s) {
  auto f1 = [](Cursor& c) {  // [-+]?[0-9][0-9_]*\.[0-9_]*(exp)?
    c.TakeSign();
    if (!c.TakeIf(IsDigit)) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    if (!c.Take('.')) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    TakeOptionalExponent(c);
    return true;
  };
  auto f2 = [](Cursor& c) {  // \.[0-9][0-9_]*(exp)?
    if (!c.Take('.') || !c.TakeIf(IsDigit)) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    TakeOptionalExponent(c);
    return true;
  };
  auto f3 = [](Cursor& c) {  // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    c.TakeSign();
    if (!c.TakeIf(IsDigit)) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    if (!TakeSexagesimalGroups(c)) return false;
    if (!c.Take('.')) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    return true;
  };
  if (MatchesWhole(s, f1) || MatchesWhole(s, f2) || MatchesWhole(s, f3)) return true;
  std::string_view t = s;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  if (t == ".inf" || t == ".Inf" || t == ".INF") return true;
  return s == ".nan" || s == ".NaN" || s == ".NAN";
}

bool MatchInt(std::string_view s) {
  auto binary = [](Cursor& c) {
    c.TakeSign();
    return c.Take('0') && c.Take('b') && c.TakeWhile(IsBinOrUnderscore) > 0;
  };
  auto octal = [](Cursor& c) {
    c.TakeSign();
    return c.Take('0') && c.TakeWhile(IsOctOrUnderscore) > 0;
  };
  auto decimal = [](Cursor& c) {
    c.TakeSign();
    if (c.Take('0')) return true;
    if (c.Peek() < '1' || c.Peek() > '9' || !c.TakeIf(IsDigit)) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    return true;
  };
  auto hex = [](Cursor& c) {
    c.TakeSign();
    return c.Take('0') && c.Take('x') && c.TakeWhile(IsHexOrUnderscore) > 0;
  };
  auto sexagesimal = [](Cursor& c) {
    c.TakeSign();
    if (c.Peek() < '1' || c.Peek() > '9' || !c.TakeIf(IsDigit)) return false;
    c.TakeWhile(IsDigitOrUnderscore);
    return TakeSexagesimalGroups(c);
  };
  return MatchesWhole(s, binary) || MatchesWhole(s, octal) || MatchesWhole(s, decimal) ||
         MatchesWhole(s, hex) || MatchesWhole(s, sexagesimal);
}

struct TimestampParts {
  int year = 0, month = 0, day = 0;
  bool has_time = false;
  int hour = 0, minute = 0, second = 0;
  std::string fraction;
  bool has_tz = false;
  bool tz_utc = false;
  int tz_sign = 1, tz_hour = 0, tz_minute = 0;
};

int TakeNumber(Cursor& c, size_t min_digits, size_t max_digits, bool* ok) {
  int value = 0;
  size_t n = 0;
  while (n < max_digits && IsDigit(c.Peek())) {
    value = value * 10 + (c.Peek() - '0');
    c.set_pos(c.pos() + 1);
    ++n;
  }
  if (n < min_digits) *ok = false;
  return value;
}

bool MatchTimestamp(std::string_view s, TimestampParts* out) {
  Cursor c(s);
  bool ok = true;
  TimestampParts p;
  p.year = TakeNumber(c, 4, 4, &ok);
  if (!ok || !c.Take('-')) return false;
  size_t month_start = c.pos();
  p.month = TakeNumber(c, 1, 2, &ok);
  size_t month_digits = c.pos() - month_start;
  if (!ok || !c.Take('-')) return false;
  size_t day_start = c.pos();
  p.day = TakeNumber(c, 1, 2, &ok);
  size_t day_digits = c.pos() - day_start;
  if (!ok) return false;
  if (c.AtEnd()) {
    // The date-only form needs exactly two digits for month and day.
    if (month_digits != 2 || day_digits != 2) return false;
    *out = p;
    return true;
  }
  if (!(c.Take('T') || c.Take('t'))) {
    if (c.TakeWhile(IsBlank) == 0) return false;
  }
  p.has_time = true;
  p.hour = TakeNumber(c, 1, 2, &ok);
  if (!ok || !c.Take(':')) return false;
  p.minute = TakeNumber(c, 2, 2, &ok);
  if (!ok || !c.Take(':')) return false;
  p.second = TakeNumber(c, 2, 2, &ok);
  if (!ok) return false;
  if (c.Take('.')) {
    size_t start = c.pos();
    c.TakeWhile(IsDigit);
    p.fraction = std::string(s.substr(start, c.pos() - start));
  }
  c.TakeWhile(IsBlank);
  if (c.Take('Z')) {
    p.has_tz = p.tz_utc = true;
  } else if (c.Peek() == '+' || c.Peek() == '-') {
    p.has_tz = true;
    p.tz_sign = c.Peek() == '-' ? -1 : 1;
    c.TakeSign();
    p.tz_hour = TakeNumber(c, 1, 2, &ok);
    if (!ok) return false;
    if (c.Take(':')) {
      p.tz_minute = TakeNumber(c, 2, 2, &ok);
      if (!ok) return false;
    }
  }
  if (!c.AtEnd()) return false;
  *out = p;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Builds the ISO-8601 text Python's date/datetime isoformat() gives.
YamlScalar ConstructTimestamp(const TimestampParts& p, std::string_view original) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1 ||
      p.day > kDays[p.month - 1] + (p.month == 2 && IsLeap(p.year) ? 1 : 0)) {
    throw YamlScalarError("'" + std::string(original) + "' is not a valid date");
  }
  if (p.hour > 23 || p.minute > 59 || p.second > 59 || p.tz_hour > 23 || p.tz_minute > 59) {
    throw YamlScalarError("'" + std::string(original) + "' is not a valid time");
  }
  char buf[64];
  YamlScalar out;
  out.kind = YamlScalarKind::kTimestamp;
  if (!p.has_time) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", p.year, p.month, p.day);
    out.text = buf;
    out.date_only = true;
    return out;
  }
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", p.year, p.month, p.day, p.hour,
                p.minute, p.second);
  out.text = buf;
  std::string micro = p.fraction.substr(0, 6);
  if (!micro.empty() && micro.find_first_not_of('0') != std::string::npos) {
    micro.resize(6, '0');
    out.text += "." + micro;
  }
  if (p.has_tz) {
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", p.tz_sign < 0 && !p.tz_utc ? '-' : '+', p.tz_hour,
                  p.tz_minute);
    out.text += buf;
  }
  return out;
}

// Accumulates |value| * base + digit, throwing past int64.
void AccumulateChecked(uint64_t* acc, int base, int digit, std::string_view original) {
  constexpr uint64_t kLimit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  if (*acc > (kLimit - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) {
    throw YamlScalarError("integer '" + std::string(original) + "' is outside the 64-bit range");
  }
  *acc = *acc * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
}

int DigitValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

int64_t FinishSigned(uint64_t magnitude, bool negative, std::string_view original) {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (magnitude == kMax + 1) return std::numeric_limits<int64_t>::min();
    return -static_cast<int64_t>(magnitude);
  }
  if (magnitude > kMax) {
    throw YamlScalarError("integer '" + std::string(original) + "' is outside the 64-bit range");
  }
  return static_cast<int64_t>(magnitude);
}

// PyYAML's construct_yaml_int: underscores dropped, then 0b / 0x / leading-0
// octal / sexagesimal / decimal.
int64_t ConstructInt(std::string_view original) {
  std::string v;
  for (char ch : original) {
    if (ch != '_') v.push_back(ch);
  }
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.erase(0, 1);
  }
  auto bad = [&]() {
    return YamlScalarError("'" + std::string(original) + "' is not a valid integer");
  };
  if (v.empty()) throw bad();
  if (v == "0") return 0;
  uint64_t acc = 0;
  auto parse_base = [&](std::string_view digits, int base) {
    if (digits.empty()) throw bad();
    for (char ch : digits) {
      int d = DigitValue(ch);
      if (d >= base) throw bad();
      AccumulateChecked(&acc, base, d, original);
    }
  };
  if (v.rfind("0b", 0) == 0) {
    parse_base(std::string_view(v).substr(2), 2);
  } else if (v.rfind("0x", 0) == 0) {
    parse_base(std::string_view(v).substr(2), 16);
  } else if (v[0] == '0') {
    parse_base(v, 8);
  } else if (v.find(':') != std::string::npos) {
    // Base-60 groups, most significant first.
    size_t start = 0;
    for (;;) {
      size_t colon = v.find(':', start);
      std::string_view part = std::string_view(v).substr(start, colon - start);
      uint64_t group = 0;
      if (part.empty()) throw bad();
      for (char ch : part) {
        if (!IsDigit(ch)) throw bad();
        AccumulateChecked(&group, 10, ch - '0', original);
      }
      constexpr uint64_t kLimit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
      if (acc > (kLimit - group) / 60) {
        throw YamlScalarError("integer '" + std::string(original) +
                              "' is outside the 64-bit range");
      }
      acc = acc * 60 + group;
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  } else {
    parse_base(v, 10);
  }
  return FinishSigned(acc, negative, original);
}

double ParseCDouble(const std::string& s, std::string_view original) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == nullptr || *end != '\0') {
    throw YamlScalarError("'" + std::string(original) + "' is not a valid float");
  }
  return v;
}

// PyYAML's construct_yaml_float.
double ConstructFloat(std::string_view original) {
  std::string v;
  for (char ch : original) {
    if (ch == '_') continue;
    v.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  double sign = 1.0;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1.0;
    v.erase(0, 1);
  }
  if (v == ".inf") return sign * std::numeric_limits<double>::infinity();
  if (v == ".nan") return std::numeric_limits<double>::quiet_NaN();
  if (v.find(':') != std::string::npos) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
      size_t colon = v.find(':', start);
      parts.push_back(v.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    double value = 0.0, base = 1.0;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      value += ParseCDouble(*it, original) * base;
      base *= 60.0;
    }
    return sign * value;
  }
  return sign * ParseCDouble(v, original);
}

YamlScalar MakeString(std::string_view text) {
  YamlScalar out;
  out.kind = YamlScalarKind::kString;
  out.text = std::string(text);
  return out;
}

}  // namespace

YamlScalar ResolvePlainScalar(std::string_view text) {
  YamlScalar out;
  bool b = false;
  if (IsYamlBool(text, &b)) {
    out.kind = YamlScalarKind::kBool;
    out.bool_value = b;
    return out;
  }
  if (MatchFloat(text)) {
    out.kind = YamlScalarKind::kFloat;
    out.float_value = ConstructFloat(text);
    return out;
  }
  if (MatchInt(text)) {
    out.kind = YamlScalarKind::kInt;
    out.int_value = ConstructInt(text);
    return out;
  }
  if (text == "<<") {
    out.kind = YamlScalarKind::kMerge;
    return out;
  }
  if (IsYamlNull(text)) {
    out.kind = YamlScalarKind::kNull;
    return out;
  }
  TimestampParts parts;
  if (MatchTimestamp(text, &parts)) return ConstructTimestamp(parts, text);
  if (text == "=") {
    // PyYAML resolves `=` to the `value` tag, which safe_load cannot build.
    throw YamlScalarError(
        "could not determine a constructor for the tag 'tag:yaml.org,2002:value' (quote '=')");
  }
  return MakeString(text);
}

YamlScalar ConstructTaggedScalar(std::string_view tag, std::string_view text) {
  if (tag == "!" || tag == "?") return tag == "!" ? MakeString(text) : ResolvePlainScalar(text);
  if (tag.substr(0, kYamlTagPrefix.size()) != kYamlTagPrefix) {
    throw YamlScalarError("could not determine a constructor for the tag '" + std::string(tag) +
                          "'");
  }
  std::string_view name = tag.substr(kYamlTagPrefix.size());
  YamlScalar out;
  if (name == "str") return MakeString(text);
  if (name == "null") {
    out.kind = YamlScalarKind::kNull;
    return out;
  }
  if (name == "bool") {
    std::string lower;
    for (char ch : text) lower.push_back(ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch);
    bool b = false;
    if (!IsYamlBool(lower, &b)) {
      throw YamlScalarError("'" + std::string(text) + "' is not a valid !!bool");
    }
    out.kind = YamlScalarKind::kBool;
    out.bool_value = b;
    return out;
  }
  if (name == "int") {
    out.kind = YamlScalarKind::kInt;
    out.int_value = ConstructInt(text);
    return out;
  }
  if (name == "float") {
    out.kind = YamlScalarKind::kFloat;
    out.float_value = ConstructFloat(text);
    return out;
  }
  if (name == "timestamp") {
    TimestampParts parts;
    if (!MatchTimestamp(text, &parts)) {
      throw YamlScalarError("'" + std::string(text) + "' is not a valid !!timestamp");
    }
    return ConstructTimestamp(parts, text);
  }
  throw YamlScalarError("could not determine a constructor for the tag '" + std::string(tag) + "'");
}

}  // namespace recotem
