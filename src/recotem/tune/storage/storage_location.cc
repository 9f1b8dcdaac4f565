// Parsing of `training.storage_path` (see storage_location.h).
#include "recotem/tune/storage/storage_location.h"

#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

#include "recotem/core/errors.h"

namespace recotem::tune::storage {

namespace {

constexpr const char* kSearchErrorCode = "search_error";
constexpr const char* kUrlDialects[] = {"postgresql", "postgres", "mysql", "sqlite"};

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n\f\v");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(begin, end - begin + 1);
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// recipe.md §9.6: ^(postgresql|postgres|mysql|sqlite)\b
bool LooksLikeUrl(const std::string& value) {
  for (std::string_view dialect : kUrlDialects) {
    if (value.compare(0, dialect.size(), dialect) == 0 &&
        (value.size() == dialect.size() || !IsWordChar(value[dialect.size()]))) {
      return true;
    }
  }
  return false;
}

[[noreturn]] void NotAUrl(const std::string& value, const std::string& why) {
  throw std::runtime_error("storage_path '" + value + "' is not a usable database URL (" + why +
                           "); expected e.g. sqlite:///study.db, postgresql://host/db or "
                           "mysql://host/db, or a file path that does not start with a "
                           "database name");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(const std::string& text, const std::string& url) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
    if (high < 0 || low < 0) NotAUrl(url, "bad percent escape");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

StorageKind DialectKind(const std::string& scheme, const std::string& url) {
  std::string dialect = scheme.substr(0, scheme.find('+'));
  if (dialect == "postgresql" || dialect == "postgres") return StorageKind::kPostgres;
  if (dialect == "mysql") return StorageKind::kMysql;
  if (dialect == "sqlite") return StorageKind::kSqlite;
  NotAUrl(url, "unknown dialect '" + dialect + "'");
}

void ParseQuery(const std::string& query, const std::string& url, StorageLocation& out) {
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    if (pair.empty() || eq == std::string::npos || eq == 0) NotAUrl(url, "bad query parameter");
    out.query.emplace_back(PercentDecode(pair.substr(0, eq), url),
                           PercentDecode(pair.substr(eq + 1), url));
    start = end + 1;
  }
}

void ParseHostPort(const std::string& authority, const std::string& url, StorageLocation& out) {
  std::string host = authority;
  std::string port;
  if (!host.empty() && host[0] == '[') {  // [IPv6]:port
    size_t close = host.find(']');
    if (close == std::string::npos) NotAUrl(url, "unterminated IPv6 address");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') NotAUrl(url, "bad host");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  out.host = PercentDecode(host, url);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
      NotAUrl(url, "bad port");
    }
    out.port = std::stoi(port);
  }
}

void RejectCredentials(const std::string& scheme, const std::string& authority) {
  size_t at = authority.rfind('@');
  if (at == std::string::npos) return;
  throw TrainingError(
      "storage_path URL (" + scheme + "://…@" + authority.substr(at + 1) +
          ") carries a user name or password; credentials must come from the environment "
          "(PGPASSFILE, ~/.pgpass, PGUSER/PGPASSWORD; MYSQL_PWD, USER, ~/.my.cnf)",
      kSearchErrorCode);
}

StorageLocation ParseSqliteUrl(const std::string& rest, const std::string& url) {
  StorageLocation out;
  out.kind = StorageKind::kSqlite;
  if (rest.find('?') != std::string::npos) NotAUrl(url, "SQLite URL parameters are not supported");
  if (rest.empty()) {
    out.sqlite_path = ":memory:";
  } else if (rest[0] == '/') {
    out.sqlite_path = rest.substr(1);  // SQLAlchemy: sqlite:///rel.db, sqlite:////abs.db
  } else {
    NotAUrl(url, "an SQLite URL has no host: use sqlite:///relative.db or sqlite:////abs.db");
  }
  if (out.sqlite_path.empty()) out.sqlite_path = ":memory:";
  out.description = "sqlite:///" + out.sqlite_path;
  return out;
}

StorageLocation ParseServerUrl(StorageKind kind, const std::string& scheme, const std::string& rest,
                               const std::string& url) {
  StorageLocation out;
  out.kind = kind;
  size_t query_at = rest.find('?');
  std::string before_query = rest.substr(0, query_at);
  if (query_at != std::string::npos) ParseQuery(rest.substr(query_at + 1), url, out);
  size_t slash = before_query.find('/');
  std::string authority = before_query.substr(0, slash);
  RejectCredentials(scheme, authority);
  ParseHostPort(authority, url, out);
  if (slash != std::string::npos) out.database = PercentDecode(before_query.substr(slash + 1), url);
  for (const auto& [key, value] : out.query) {
    if (key == "user" || key == "password") {
      std::string message = "storage_path URL (" + scheme;
      message += "://";
      message += authority;
      message += ") carries a '" + key;
      message += "' parameter; credentials must come from the environment";
      throw TrainingError(message, kSearchErrorCode);
    }
  }
  if (out.database.empty()) NotAUrl(url, "no database name");
  out.description = scheme + "://" + authority + "/" + out.database;
  return out;
}

StorageLocation ParseUrl(const std::string& url) {
  size_t separator = url.find("://");
  if (separator == std::string::npos) NotAUrl(url, "no '://'");
  std::string scheme = url.substr(0, separator);
  std::string rest = url.substr(separator + 3);
  StorageKind kind = DialectKind(scheme, url);
  if (kind == StorageKind::kSqlite) {
    size_t slash = rest.find('/');
    RejectCredentials(scheme, rest.substr(0, slash));
    return ParseSqliteUrl(rest, url);
  }
  return ParseServerUrl(kind, scheme, rest, url);
}

std::string QuoteConninfoValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

StorageLocation ParseStoragePath(const std::string& storage_path) {
  std::string value = Trim(storage_path);
  if (value.empty()) return StorageLocation{};
  if (LooksLikeUrl(value)) return ParseUrl(value);
  StorageLocation out;
  out.kind = StorageKind::kSqlite;
  out.sqlite_path = value;
  out.description = "sqlite:///" + value;
  return out;
}

std::string PostgresConninfo(const StorageLocation& location) {
  std::string conninfo;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!conninfo.empty()) conninfo += ' ';
    conninfo += key + "=" + QuoteConninfoValue(value);
  };
  if (!location.host.empty()) add("host", location.host);
  if (location.port) add("port", std::to_string(*location.port));
  add("dbname", location.database);
  for (const auto& [key, value] : location.query) add(key, value);
  return conninfo;
}

}  // namespace recotem::tune::storage
