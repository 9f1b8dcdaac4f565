// MysqlConnection: the SqlConnection driver for MySQL/MariaDB (MariaDB
// Connector/C). Credentials never come from the storage URL: the option
// files' [client] group, MYSQL_PWD and USER supply them. Sessions run with
// READ COMMITTED (so a locking read followed by plain reads sees the latest
// commits, as on PostgreSQL) and ANSI_QUOTES (so "key" quotes an identifier
// on every backend). UPDATE counts matched rows (CLIENT_FOUND_ROWS), as the
// other backends do.
#pragma once

#include <optional>
#include <string>

#include "recotem/tune/storage/sql_connection.h"

struct st_mysql;

namespace recotem::tune::storage {

struct MysqlEndpoint {
  std::string host;      // empty: the default (localhost)
  unsigned port = 0;     // 0: the default
  std::string database;  // required
  std::optional<std::string> unix_socket;
  std::string charset = "utf8mb4";
};

class MysqlConnection final : public SqlConnection {
 public:
  // Connects; throws std::runtime_error naming `description` on failure.
  MysqlConnection(const MysqlEndpoint& endpoint, const std::string& description);
  ~MysqlConnection() override;
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kMysql; }
  void Execute(const std::string& sql) override;
  std::vector<SqlRow> Query(const std::string& sql, const SqlParams& params) override;
  int64_t Update(const std::string& sql, const SqlParams& params) override;
  int64_t Insert(const std::string& sql, const SqlParams& params,
                 const std::string& id_column) override;
  void BeginWrite() override { Execute("START TRANSACTION"); }

 private:
  // `sql` with each `?` replaced by the escaped literal of its parameter.
  std::string Bind(const std::string& sql, const SqlParams& params) const;
  std::string Literal(const SqlValue& value) const;
  void Run(const std::string& sql);
  [[noreturn]] void Fail(const std::string& sql) const;

  st_mysql* mysql_ = nullptr;
  std::string description_;
};

}  // namespace recotem::tune::storage
