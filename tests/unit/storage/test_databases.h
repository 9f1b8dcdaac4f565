// Databases for the storage tests: a fresh SQLite file, or a fresh database
// on a private PostgreSQL or MariaDB server that this test binary starts on
// loopback in a temporary directory (once, on first use) and stops at exit.
// Credentials reach the storage only through the environment, as in
// production: PGUSER + PGPASSFILE for PostgreSQL, USER + MYSQL_PWD for MySQL.
#pragma once

#include <optional>
#include <string>

namespace recotem::tune::storage::testing {

enum class Backend { kSqlite, kPostgres, kMysql };

const char* BackendName(Backend backend);

// A new, empty database on `backend`. `url` is the storage_path to open it
// (no credentials); `python_url` is the SQLAlchemy URL Optuna uses for it
// (with credentials where the Python driver cannot read them from the
// environment). Empty `skip_reason` means usable.
struct TestDatabase {
  std::string url;
  std::string python_url;
  std::string skip_reason;
};

TestDatabase CreateTestDatabase(Backend backend);

// A fresh temporary directory (removed at exit) for SQLite files.
std::string MakeTempDir();

// Runs `command` with /bin/sh; returns its exit status and stdout.
struct CommandResult {
  int status = -1;
  std::string out;
};
CommandResult RunCommand(const std::string& command);

}  // namespace recotem::tune::storage::testing
