// SqliteConnection: the SqlConnection driver for an SQLite database file.
// Writers serialise on the database's write lock (BEGIN IMMEDIATE); a busy
// database is waited for (busy_timeout) before SqlError(transient) is thrown.
#pragma once

#include <chrono>
#include <string>

#include "recotem/tune/storage/sql_connection.h"

struct sqlite3;

namespace recotem::tune::storage {

// How long a statement waits for another connection's lock.
inline constexpr std::chrono::milliseconds kSqliteBusyTimeout{30000};

class SqliteConnection final : public SqlConnection {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" is a
  // private in-memory database. Throws std::runtime_error on failure.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  void Execute(const std::string& sql) override;
  std::vector<SqlRow> Query(const std::string& sql, const SqlParams& params) override;
  int64_t Update(const std::string& sql, const SqlParams& params) override;
  int64_t Insert(const std::string& sql, const SqlParams& params,
                 const std::string& id_column) override;
  void BeginWrite() override { Execute("BEGIN IMMEDIATE"); }

 private:
  [[noreturn]] void Fail(int rc, const std::string& sql) const;
  std::vector<SqlRow> Run(const std::string& sql, const SqlParams& params);

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace recotem::tune::storage
