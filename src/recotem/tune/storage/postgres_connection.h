// PostgresConnection: the SqlConnection driver for PostgreSQL (libpq).
// Credentials never come from the storage URL: libpq takes the user and
// password from PGUSER/PGPASSWORD, PGPASSFILE or ~/.pgpass.
#pragma once

#include <string>

#include "recotem/tune/storage/sql_connection.h"

struct pg_conn;

namespace recotem::tune::storage {

class PostgresConnection final : public SqlConnection {
 public:
  // Connects with a libpq keyword/value string ("host='…' port='…' …").
  // Throws std::runtime_error naming `description` when that fails.
  PostgresConnection(const std::string& conninfo, const std::string& description);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  void Execute(const std::string& sql) override;
  std::vector<SqlRow> Query(const std::string& sql, const SqlParams& params) override;
  int64_t Update(const std::string& sql, const SqlParams& params) override;
  int64_t Insert(const std::string& sql, const SqlParams& params,
                 const std::string& id_column) override;
  void BeginWrite() override { Execute("BEGIN"); }

 private:
  struct Result;
  Result Run(const std::string& sql, const SqlParams& params);

  pg_conn* conn_ = nullptr;
  std::string description_;
};

// `sql` with each `?` outside quoted literals replaced by $1, $2, ….
std::string NumberPostgresPlaceholders(const std::string& sql);

}  // namespace recotem::tune::storage
