// StorageLocation: what a recipe's `training.storage_path` names
// (recipe.md §9.6), parsed without touching any database. Empty → in-memory;
// `^(postgresql|postgres|mysql|sqlite)\b` → an SQLAlchemy-style URL
// (`dialect[+driver]://host[:port]/database[?query]`, `sqlite:///path`);
// anything else → an SQLite file path. URLs must not carry credentials.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace recotem::tune::storage {

enum class StorageKind { kInMemory, kSqlite, kPostgres, kMysql };

struct StorageLocation {
  StorageKind kind = StorageKind::kInMemory;
  std::string sqlite_path;  // kSqlite: the file (":memory:" for sqlite://)
  // kPostgres / kMysql, percent-decoded:
  std::string host;  // empty: the client library's default
  std::optional<int> port;
  std::string database;
  std::vector<std::pair<std::string, std::string>> query;  // in URL order
  // Names the location in messages; never contains credentials.
  std::string description;
};

// Throws TrainingError(code "search_error") for a URL with a user name or
// password (the message does not repeat them) and std::runtime_error for a
// value that looks like a URL but is not a usable one (e.g. "sqlite.db").
StorageLocation ParseStoragePath(const std::string& storage_path);

// libpq keyword/value connection string: host, port, dbname and the URL's
// query parameters (sslmode, host=/socket/dir, …), values single-quoted.
std::string PostgresConninfo(const StorageLocation& location);

}  // namespace recotem::tune::storage
