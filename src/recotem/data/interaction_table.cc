#include "recotem/data/interaction_table.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace recotem {
namespace {

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;
  if (begin == end) return false;
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string tmp(s);
  // strtod accepts hex floats and "infinity"; pandas accepts inf/-inf too.
  if (tmp.find_first_of("xX") != std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size();
}

bool ParseBool(std::string_view s, bool* out) {
  if (s == "True" || s == "TRUE" || s == "true") {
    *out = true;
    return true;
  }
  if (s == "False" || s == "FALSE" || s == "false") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Shortest round-trip digits, then Python's layout: scientific when the
  // decimal exponent is < -4 or >= 16.
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, ptr);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::atoi(sci.c_str() + e + 1);
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    out.append(digits, 0, 1);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof(exp_buf), "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    out += exp_buf;
    return out;
  }
  if (exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out.append(digits);
    return out;
  }
  size_t int_len = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_len) {
    out.append(digits);
    out.append(int_len - digits.size(), '0');
    out.append(".0");
  } else {
    out.append(digits, 0, int_len);
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

void Column::Append(std::string_view text) {
  data_.append(text);
  offsets_.push_back(data_.size());
  nulls_.push_back(0);
}

void Column::AppendNull() {
  offsets_.push_back(data_.size());
  nulls_.push_back(1);
}

void Column::Finish(std::optional<ColumnKind> forced) {
  if (forced) {
    for (size_t r = 0; r < size() && *forced != ColumnKind::kString; ++r) {
      if (IsNull(r)) {
        if (*forced == ColumnKind::kInt) {
          throw std::runtime_error("Integer column has NA values in column '" + name_ + "'");
        }
        continue;
      }
      std::string_view s = Raw(r);
      int64_t iv;
      double dv;
      bool bv;
      bool ok = *forced == ColumnKind::kInt     ? ParseInt(s, &iv)
                : *forced == ColumnKind::kFloat ? ParseFloat(s, &dv)
                                                : ParseBool(s, &bv);
      if (!ok) {
        throw std::runtime_error("column '" + name_ + "': cannot convert '" + std::string(s) +
                                 "' to the configured dtype");
      }
    }
    kind_ = *forced;
    return;
  }
  bool all_int = true;
  bool all_float = true;
  bool all_bool = true;
  bool any_null = false;
  bool any_value = false;
  for (size_t r = 0; r < size(); ++r) {
    if (IsNull(r)) {
      any_null = true;
      continue;
    }
    any_value = true;
    std::string_view s = Raw(r);
    int64_t iv;
    double dv;
    bool bv;
    if (all_int && !ParseInt(s, &iv)) all_int = false;
    if (all_float && !ParseFloat(s, &dv)) all_float = false;
    if (all_bool && !ParseBool(s, &bv)) all_bool = false;
    if (!all_int && !all_float && !all_bool) break;
  }
  if (!any_value) {
    kind_ = ColumnKind::kFloat;  // pandas: an all-null column is float64 (NaN)
  } else if (all_int) {
    kind_ = any_null ? ColumnKind::kFloat : ColumnKind::kInt;
  } else if (all_float) {
    kind_ = ColumnKind::kFloat;
  } else if (all_bool) {
    // pandas keeps a bool column with nulls as object; str() still gives
    // True/False for the non-null cells.
    kind_ = ColumnKind::kBool;
  } else {
    kind_ = ColumnKind::kString;
  }
}

std::string Column::Canonical(size_t row) const {
  std::string_view s = Raw(row);
  switch (kind_) {
    case ColumnKind::kInt: {
      int64_t v = 0;
      ParseInt(s, &v);
      return std::to_string(v);
    }
    case ColumnKind::kFloat: {
      double v = 0;
      ParseFloat(s, &v);
      return PythonFloatRepr(v);
    }
    case ColumnKind::kBool: {
      bool v = false;
      ParseBool(s, &v);
      return v ? "True" : "False";
    }
    case ColumnKind::kString:
      return std::string(s);
  }
  return std::string(s);
}

double Column::Number(size_t row) const {
  std::string_view s = Raw(row);
  switch (kind_) {
    case ColumnKind::kInt: {
      int64_t v = 0;
      ParseInt(s, &v);
      return static_cast<double>(v);
    }
    case ColumnKind::kFloat: {
      double v = 0;
      ParseFloat(s, &v);
      return v;
    }
    case ColumnKind::kBool: {
      bool v = false;
      ParseBool(s, &v);
      return v ? 1.0 : 0.0;
    }
    case ColumnKind::kString:
      break;
  }
  throw std::logic_error("Column::Number on a string column");
}

const Column* InteractionTable::Find(std::string_view name) const {
  for (const Column& c : columns) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> InteractionTable::ColumnNames() const {
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(c.name());
  return names;
}

}  // namespace recotem
