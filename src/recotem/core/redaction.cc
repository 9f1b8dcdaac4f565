#include "recotem/core/redaction.h"

#include <array>
#include <cstdio>

#include "recotem/core/strings.h"

namespace recotem::log {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsB64UrlChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
bool IsSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '.' || c == '-';
}

bool IsCredentialScheme(const std::string& scheme) {
  static constexpr std::array<std::string_view, 6> kExact = {"mongodb", "mongodb+srv", "redis",
                                                             "rediss",  "amqp",        "amqps"};
  for (auto s : kExact) {
    if (scheme == s) return true;
  }
  static constexpr std::array<std::string_view, 10> kWithDriver = {
      "http",     "https", "ftp",     "ftps",  "postgresql",
      "postgres", "mysql", "mariadb", "mssql", "oracle"};
  std::string base = scheme.substr(0, scheme.find('+'));
  if (base.size() != scheme.size()) {
    std::string driver = scheme.substr(base.size() + 1);
    if (driver.empty()) return false;
    for (char c : driver) {
      if (!IsWordChar(c)) return false;
    }
  }
  for (auto s : kWithDriver) {
    if (base == s) return true;
  }
  return false;
}

std::string MaskUrlUserinfo(std::string_view in) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t sep = in.find("://", pos);
    if (sep == std::string_view::npos) break;
    size_t start = sep;
    while (start > pos && IsSchemeChar(in[start - 1])) --start;
    std::string scheme = ToLower(in.substr(start, sep - start));
    size_t auth_begin = sep + 3;
    size_t auth_end = auth_begin;
    while (auth_end < in.size()) {
      char c = in[auth_end];
      if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n') break;
      ++auth_end;
    }
    std::string_view authority = in.substr(auth_begin, auth_end - auth_begin);
    size_t at = authority.rfind('@');
    out.append(in.substr(pos, auth_begin - pos));
    if (!scheme.empty() && at != std::string_view::npos && IsCredentialScheme(scheme)) {
      out += "***";
      out.append(authority.substr(at));
    } else {
      out.append(authority);
    }
    pos = auth_end;
  }
  out.append(in.substr(pos));
  return out;
}

template <typename Pred>
std::string ReplaceRuns(std::string_view in, Pred in_run, size_t min_len,
                        std::string_view replacement) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    if (!in_run(in[i])) {
      out.push_back(in[i++]);
      continue;
    }
    size_t j = i;
    while (j < in.size() && in_run(in[j])) ++j;
    if (j - i >= min_len) {
      out.append(replacement);
    } else {
      out.append(in.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

}  // namespace

bool IsSensitiveFieldName(std::string_view raw_name) {
  std::string name = ToLower(raw_name);
  if (name == "auth_enabled" || name == "signing_key_status") return false;
  static constexpr std::array<std::string_view, 6> kExact = {
      "x-api-key",           "authorization",        "cookie",
      "recotem_signing_key", "recotem_signing_keys", "recotem_api_keys"};
  for (auto s : kExact) {
    if (name == s) return true;
  }
  static constexpr std::array<std::string_view, 5> kBenign = {"monkey", "turkey", "donkey",
                                                              "hockey", "jockey"};
  for (auto s : kBenign) {
    if (name == s) return false;
  }
  for (std::string_view prefix : {"aws_", "gcp_", "google_", "azure_"}) {
    if (name.starts_with(prefix)) return true;
  }
  for (std::string_view sub :
       {"secret", "password", "passwd", "token", "auth", "bearer", "cred", "private"}) {
    if (name.find(sub) != std::string::npos) return true;
  }
  // `key` unless immediately followed by `s` and a word boundary.
  size_t pos = name.find("key");
  while (pos != std::string::npos) {
    size_t after = pos + 3;
    bool plural = after < name.size() && name[after] == 's' &&
                  (after + 1 == name.size() || !IsWordChar(name[after + 1]));
    if (!plural) return true;
    pos = name.find("key", pos + 1);
  }
  return false;
}

std::string ScrubString(std::string_view value) {
  if (value.starts_with("[REDACTED")) return std::string(value);
  std::string s =
      value.find("://") != std::string_view::npos ? MaskUrlUserinfo(value) : std::string(value);
  s = ReplaceRuns(s, IsHexDigit, 64, "[REDACTED-HEX64]");
  return ReplaceRuns(s, IsB64UrlChar, 43, "[REDACTED-B64URL43]");
}

void RedactFields(nlohmann::ordered_json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (IsSensitiveFieldName(it.key())) {
        it.value() = "[REDACTED]";
      } else {
        RedactFields(it.value());
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) RedactFields(item);
  } else if (value.is_string()) {
    value = ScrubString(value.get_ref<const std::string&>());
  } else if (value.is_binary()) {
    size_t n = value.get_binary().size();
    value = n >= 32 ? std::string("[REDACTED]") : "<bytes len=" + std::to_string(n) + ">";
  }
}

std::string SanitizeKid(std::string_view kid) {
  if (kid.empty()) return "<empty>";
  std::string out;
  size_t chars = 0;
  size_t i = 0;
  while (i < kid.size() && chars < 64) {
    unsigned char c = static_cast<unsigned char>(kid[i]);
    if (IsB64UrlChar(static_cast<char>(c)) || c == '.' || c == ':') {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      // Decode one UTF-8 code point (invalid bytes stand for themselves).
      uint32_t cp = c;
      size_t len = 1;
      if (c >= 0xC0) {
        len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + len <= kid.size() && IsValidUtf8(kid.substr(i, len))) {
          cp = c & (0x3F >> (len - 1));
          for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (kid[i + k] & 0x3F);
        } else {
          len = 1;
          cp = 0xFFFD;
        }
      } else if (c >= 0x80) {
        cp = 0xFFFD;
      }
      char buf[16];
      std::snprintf(buf, sizeof(buf), "\\x%02x", cp);
      out += buf;
      i += len;
    }
    ++chars;
  }
  if (i < kid.size()) out += "...";
  return out;
}

}  // namespace recotem::log
