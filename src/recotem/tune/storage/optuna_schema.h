// Optuna's RDB schema (Optuna 3.x: schema_version 12, alembic v3.0.0.d) with
// the column types SQLAlchemy creates on each backend, so that Optuna reads
// and writes studies Recotem created and the other way round.
#pragma once

#include "recotem/tune/storage/sql_connection.h"

namespace recotem::tune::storage {

inline constexpr int kOptunaSchemaVersion = 12;
inline constexpr const char* kOptunaLibraryVersion = "3.1.0";
inline constexpr const char* kOptunaAlembicRevision = "v3.0.0.d";

// Creates the tables (and, on PostgreSQL, the enum types) when absent and
// the version rows when missing; concurrent callers are serialised (SQLite
// write lock, PostgreSQL advisory lock, MySQL named lock). Throws
// std::runtime_error when the database holds an incompatible schema version.
void EnsureOptunaSchema(SqlConnection& connection);

}  // namespace recotem::tune::storage
