// Python-compatible JSON writer (see python_json.h).
#include "recotem/tune/storage/python_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

namespace recotem::tune::storage {

namespace {

// Python's repr switches to exponent notation outside this decimal-point
// range (float_repr_style "short", format code 'r').
constexpr int kMinFixedDecimalPoint = -3;
constexpr int kMaxFixedDecimalPoint = 16;

void AppendEscapedCodeUnit(std::string& out, uint32_t unit) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\u%04x", unit);
  out += buf;
}

// Decodes one UTF-8 sequence at `text[i]`, advancing `i`; invalid bytes
// decode as themselves (Python would have rejected them earlier).
uint32_t NextCodePoint(const std::string& text, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  uint32_t lead = byte(i);
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra > 0 && i + static_cast<size_t>(extra) >= text.size()) {
    ++i;
    return lead;
  }
  uint32_t code = extra == 0 ? lead : lead & (0x3Fu >> extra);
  for (int k = 1; k <= extra; ++k) code = (code << 6) | (byte(i + static_cast<size_t>(k)) & 0x3F);
  i += static_cast<size_t>(extra) + 1;
  return code;
}

void AppendString(std::string& out, const std::string& text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    uint32_t code = NextCodePoint(text, i);
    switch (code) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (code >= 0x20 && code < 0x7F) {
      out += static_cast<char>(code);
    } else if (code < 0x10000) {
      AppendEscapedCodeUnit(out, code);
    } else {
      uint32_t v = code - 0x10000;
      AppendEscapedCodeUnit(out, 0xD800 | (v >> 10));
      AppendEscapedCodeUnit(out, 0xDC00 | (v & 0x3FF));
    }
  }
  out += '"';
}

template <typename Json>
void Append(std::string& out, const Json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out += "null";
      return;
    case nlohmann::json::value_t::boolean:
      out += value.template get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::number_integer:
      out += std::to_string(value.template get<int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      out += std::to_string(value.template get<uint64_t>());
      return;
    case nlohmann::json::value_t::number_float:
      out += PythonFloatRepr(value.template get<double>());
      return;
    case nlohmann::json::value_t::string:
      AppendString(out, value.template get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ", ";
        first = false;
        Append(out, element);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        AppendString(out, it.key());
        out += ": ";
        Append(out, it.value());
      }
      out += '}';
      return;
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  throw std::invalid_argument("binary JSON values have no Python JSON form");
}

}  // namespace

std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string scientific(buf, end);  // "-1.2345e-05": shortest round-trip digits
  std::string sign = scientific[0] == '-' ? "-" : "";
  if (!sign.empty()) scientific.erase(0, 1);
  size_t e = scientific.find('e');
  int exponent = std::stoi(scientific.substr(e + 1));
  std::string digits = scientific.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  int point = exponent + 1;                   // digits before the decimal point
  if (point < kMinFixedDecimalPoint || point > kMaxFixedDecimalPoint) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof(exp_buf), "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    return sign + mantissa + exp_buf;
  }
  if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (static_cast<size_t>(point) >= digits.size()) {
    return sign + digits + std::string(static_cast<size_t>(point) - digits.size(), '0') + ".0";
  }
  return sign + digits.substr(0, static_cast<size_t>(point)) + "." +
         digits.substr(static_cast<size_t>(point));
}

std::string PythonJsonDumps(const nlohmann::json& value) {
  std::string out;
  Append(out, value);
  return out;
}

std::string PythonJsonDumps(const nlohmann::ordered_json& value) {
  std::string out;
  Append(out, value);
  return out;
}

}  // namespace recotem::tune::storage
