// MySQL/MariaDB driver for SqlConnection (see mysql_connection.h). Uses the
// text protocol with client-side escaped literals; MariaDB prints doubles
// in their shortest round-trip form, so values survive exactly.
#include "recotem/tune/storage/mysql_connection.h"

#include <mysql.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace recotem::tune::storage {

namespace {

// Server errors a retry of the transaction can cure.
constexpr unsigned kLockWaitTimeout = 1205;  // ER_LOCK_WAIT_TIMEOUT
constexpr unsigned kDeadlock = 1213;         // ER_LOCK_DEADLOCK

constexpr const char* kOptionGroup = "client";
constexpr const char* kSessionSetup[] = {
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
};

struct ResultDeleter {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};

}  // namespace

MysqlConnection::MysqlConnection(const MysqlEndpoint& endpoint, const std::string& description)
    : description_(description) {
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) throw std::runtime_error("mysql_init failed: out of memory");
  // The USER variable is the fallback; the option files' user (read during
  // connect) overrides it, and MYSQL_PWD or the option files give the password.
  if (const char* user = std::getenv("USER")) mysql_optionsv(mysql_, MARIADB_OPT_USER, user);
  mysql_options(mysql_, MYSQL_READ_DEFAULT_GROUP, kOptionGroup);
  mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, endpoint.charset.c_str());
  const char* host = endpoint.host.empty() ? nullptr : endpoint.host.c_str();
  const char* socket = endpoint.unix_socket ? endpoint.unix_socket->c_str() : nullptr;
  if (mysql_real_connect(mysql_, host, nullptr, nullptr, endpoint.database.c_str(), endpoint.port,
                         socket, CLIENT_FOUND_ROWS) == nullptr) {
    std::string message = mysql_error(mysql_);
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw std::runtime_error("cannot connect to MySQL study storage " + description + ": " +
                             message);
  }
  for (const char* statement : kSessionSetup) Execute(statement);
}

MysqlConnection::~MysqlConnection() { mysql_close(mysql_); }

void MysqlConnection::Fail(const std::string& sql) const {
  unsigned code = mysql_errno(mysql_);
  throw SqlError(
      "MySQL study storage " + description_ + ": " + mysql_error(mysql_) + " (in: " + sql + ")",
      code == kDeadlock || code == kLockWaitTimeout);
}

std::string MysqlConnection::Literal(const SqlValue& value) const {
  if (auto* n = std::get_if<int64_t>(&value)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) throw SqlError("MySQL cannot store a non-finite double", false);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", *d);
    return buf;
  }
  if (auto* s = std::get_if<std::string>(&value)) {
    std::string escaped(s->size() * 2 + 1, '\0');
    unsigned long length = mysql_real_escape_string(mysql_, escaped.data(), s->data(), s->size());
    escaped.resize(length);
    return "'" + escaped + "'";
  }
  return "NULL";
}

std::string MysqlConnection::Bind(const std::string& sql, const SqlParams& params) const {
  std::string out;
  size_t next = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c != '?' || quoted) {
      out += c;
      continue;
    }
    if (next >= params.size()) throw SqlError("too few parameters for: " + sql, false);
    out += Literal(params[next++]);
  }
  if (next != params.size()) throw SqlError("too many parameters for: " + sql, false);
  return out;
}

void MysqlConnection::Run(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) Fail(sql);
}

void MysqlConnection::Execute(const std::string& sql) {
  Run(sql);
  std::unique_ptr<MYSQL_RES, ResultDeleter> result(mysql_store_result(mysql_));
}

std::vector<SqlRow> MysqlConnection::Query(const std::string& sql, const SqlParams& params) {
  std::string bound = Bind(sql, params);
  Run(bound);
  std::unique_ptr<MYSQL_RES, ResultDeleter> result(mysql_store_result(mysql_));
  std::vector<SqlRow> rows;
  if (!result) {
    if (mysql_field_count(mysql_) != 0) Fail(sql);
    return rows;
  }
  unsigned n_columns = mysql_num_fields(result.get());
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    unsigned long* lengths = mysql_fetch_lengths(result.get());
    std::vector<SqlValue> values;
    for (unsigned c = 0; c < n_columns; ++c) {
      if (row[c] == nullptr) {
        values.emplace_back(std::monostate{});
      } else {
        values.emplace_back(std::string(row[c], lengths[c]));
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

int64_t MysqlConnection::Update(const std::string& sql, const SqlParams& params) {
  Run(Bind(sql, params));
  return static_cast<int64_t>(mysql_affected_rows(mysql_));
}

int64_t MysqlConnection::Insert(const std::string& sql, const SqlParams& params,
                                const std::string& /*id_column*/) {
  Run(Bind(sql, params));
  return static_cast<int64_t>(mysql_insert_id(mysql_));
}

}  // namespace recotem::tune::storage
