// SqlConnection: the small SQL interface RdbStudyStorage is written against,
// so the storage logic exists once and each database (SQLite, PostgreSQL,
// MySQL/MariaDB) only supplies a driver. Statements use `?` placeholders on
// every backend; values are NULL, 64-bit integers, doubles or text. One
// connection is used by one thread at a time (the storage serialises).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace recotem::tune::storage {

enum class SqlDialect { kSqlite, kPostgres, kMysql };

const char* SqlDialectName(SqlDialect dialect);

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;

// One result row. Accessors convert between the representations a driver
// returns (PostgreSQL and MySQL return text, SQLite typed values); reading a
// NULL or an unparsable value as a number throws SqlError.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t column) const;
  int64_t Int(size_t column) const;
  double Double(size_t column) const;
  std::string Text(size_t column) const;

 private:
  const SqlValue& At(size_t column) const;

  std::vector<SqlValue> values_;
};

// A failed statement. `transient` marks failures that a retry of the whole
// transaction can cure: SQLITE_BUSY/LOCKED, PostgreSQL serialization failure
// and deadlock, MySQL deadlock and lock wait timeout.
class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& message, bool transient)
      : std::runtime_error(message), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const = 0;
  // Runs one statement without parameters or results (DDL, COMMIT, ...).
  virtual void Execute(const std::string& sql) = 0;
  // Runs one statement with `?` placeholders and returns its rows.
  virtual std::vector<SqlRow> Query(const std::string& sql, const SqlParams& params) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual int64_t Update(const std::string& sql, const SqlParams& params) = 0;
  // Runs an INSERT into a table whose auto-increment key is `id_column` and
  // returns the new key.
  virtual int64_t Insert(const std::string& sql, const SqlParams& params,
                         const std::string& id_column) = 0;
  // Starts a transaction that will write. SQLite takes the database's write
  // lock here (BEGIN IMMEDIATE); the servers lock rows as statements run.
  virtual void BeginWrite() = 0;
  void Commit() { Execute("COMMIT"); }
  void Rollback() { Execute("ROLLBACK"); }
};

}  // namespace recotem::tune::storage
