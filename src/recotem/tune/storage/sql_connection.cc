// SqlRow conversions shared by every driver (see sql_connection.h).
#include "recotem/tune/storage/sql_connection.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace recotem::tune::storage {

namespace {

std::string DoubleText(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", value);
  return buf;
}

int64_t ParseInt(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0') {
    throw SqlError("expected an integer column value, got '" + text + "'", false);
  }
  return value;
}

double ParseDouble(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') {
    throw SqlError("expected a numeric column value, got '" + text + "'", false);
  }
  return value;
}

}  // namespace

const char* SqlDialectName(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "sqlite";
    case SqlDialect::kPostgres:
      return "postgresql";
    case SqlDialect::kMysql:
      return "mysql";
  }
  return "unknown";
}

const SqlValue& SqlRow::At(size_t column) const {
  if (column >= values_.size()) {
    throw SqlError("result column " + std::to_string(column) + " out of range", false);
  }
  return values_[column];
}

bool SqlRow::IsNull(size_t column) const {
  return std::holds_alternative<std::monostate>(At(column));
}

int64_t SqlRow::Int(size_t column) const {
  const SqlValue& value = At(column);
  if (auto* i = std::get_if<int64_t>(&value)) return *i;
  if (auto* d = std::get_if<double>(&value)) return static_cast<int64_t>(std::llround(*d));
  if (auto* s = std::get_if<std::string>(&value)) return ParseInt(*s);
  throw SqlError("unexpected NULL in integer column " + std::to_string(column), false);
}

double SqlRow::Double(size_t column) const {
  const SqlValue& value = At(column);
  if (auto* d = std::get_if<double>(&value)) return *d;
  if (auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&value)) return ParseDouble(*s);
  throw SqlError("unexpected NULL in numeric column " + std::to_string(column), false);
}

std::string SqlRow::Text(size_t column) const {
  const SqlValue& value = At(column);
  if (auto* s = std::get_if<std::string>(&value)) return *s;
  if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&value)) return DoubleText(*d);
  throw SqlError("unexpected NULL in text column " + std::to_string(column), false);
}

}  // namespace recotem::tune::storage
