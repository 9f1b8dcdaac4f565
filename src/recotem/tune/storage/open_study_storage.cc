// Picks and opens the study storage for a `storage_path` (see open_study_storage.h).
#include "recotem/tune/storage/open_study_storage.h"

#include <memory>
#include <stdexcept>
#include <string>

#include "recotem/tune/in_memory_storage.h"
#include "recotem/tune/storage/mysql_connection.h"
#include "recotem/tune/storage/postgres_connection.h"
#include "recotem/tune/storage/rdb_study_storage.h"
#include "recotem/tune/storage/sqlite_connection.h"
#include "recotem/tune/storage/storage_location.h"

namespace recotem::tune::storage {

namespace {

MysqlEndpoint ToMysqlEndpoint(const StorageLocation& location) {
  MysqlEndpoint endpoint;
  endpoint.host = location.host;
  endpoint.port = location.port ? static_cast<unsigned>(*location.port) : 0;
  endpoint.database = location.database;
  for (const auto& [key, value] : location.query) {
    if (key == "unix_socket") {
      endpoint.unix_socket = value;
    } else if (key == "charset") {
      endpoint.charset = value;
    } else {
      throw std::runtime_error("MySQL study storage " + location.description +
                               ": unsupported URL parameter '" + key +
                               "' (supported: unix_socket, charset)");
    }
  }
  return endpoint;
}

std::unique_ptr<SqlConnection> Connect(const StorageLocation& location) {
  switch (location.kind) {
    case StorageKind::kSqlite:
      return std::make_unique<SqliteConnection>(location.sqlite_path);
    case StorageKind::kPostgres:
      return std::make_unique<PostgresConnection>(PostgresConninfo(location), location.description);
    case StorageKind::kMysql:
      return std::make_unique<MysqlConnection>(ToMysqlEndpoint(location), location.description);
    case StorageKind::kInMemory:
      break;
  }
  throw std::logic_error("Connect: in-memory storage has no connection");
}

}  // namespace

std::unique_ptr<StudyStorage> OpenStudyStorage(const std::string& storage_path) {
  StorageLocation location = ParseStoragePath(storage_path);
  if (location.kind == StorageKind::kInMemory) return std::make_unique<InMemoryStudyStorage>();
  try {
    return std::make_unique<RdbStudyStorage>(Connect(location));
  } catch (const SqlError& e) {
    throw std::runtime_error("cannot open study storage " + location.description + ": " + e.what());
  }
}

}  // namespace recotem::tune::storage
