// SQLite driver for SqlConnection (see sqlite_connection.h).
#include "recotem/tune/storage/sqlite_connection.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace recotem::tune::storage {

namespace {

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

bool IsBusy(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

SqlValue ColumnValue(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text, static_cast<size_t>(sqlite3_column_bytes(statement, column)));
    }
  }
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) : path_(path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open SQLite study storage '" + path + "': " + message);
  }
  sqlite3_busy_timeout(db_, static_cast<int>(kSqliteBusyTimeout.count()));
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

void SqliteConnection::Fail(int rc, const std::string& sql) const {
  throw SqlError(
      "SQLite study storage '" + path_ + "': " + sqlite3_errmsg(db_) + " (in: " + sql + ")",
      IsBusy(rc));
}

void SqliteConnection::Execute(const std::string& sql) { Run(sql, {}); }

std::vector<SqlRow> SqliteConnection::Query(const std::string& sql, const SqlParams& params) {
  return Run(sql, params);
}

int64_t SqliteConnection::Update(const std::string& sql, const SqlParams& params) {
  Run(sql, params);
  return sqlite3_changes64(db_);
}

int64_t SqliteConnection::Insert(const std::string& sql, const SqlParams& params,
                                 const std::string& /*id_column*/) {
  Run(sql, params);
  return sqlite3_last_insert_rowid(db_);
}

std::vector<SqlRow> SqliteConnection::Run(const std::string& sql, const SqlParams& params) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw);
  if (rc != SQLITE_OK) Fail(rc, sql);
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    const SqlValue& value = params[i];
    if (auto* n = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(raw, index, *n);
    } else if (auto* d = std::get_if<double>(&value)) {
      rc = sqlite3_bind_double(raw, index, *d);
    } else if (auto* s = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text(raw, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(raw, index);
    }
    if (rc != SQLITE_OK) Fail(rc, sql);
  }
  std::vector<SqlRow> rows;
  for (;;) {
    rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) Fail(rc, sql);
    int columns = sqlite3_column_count(raw);
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(ColumnValue(raw, c));
    rows.emplace_back(std::move(values));
  }
  return rows;
}

}  // namespace recotem::tune::storage
