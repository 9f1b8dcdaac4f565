// Creation of Optuna's schema (see optuna_schema.h). The table definitions
// are written once with placeholders for the types that differ by backend;
// they were checked against what Optuna 3.1 + SQLAlchemy 1.4 create on
// SQLite, PostgreSQL 15 and MariaDB 10.11.
#include "recotem/tune/storage/optuna_schema.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace recotem::tune::storage {

namespace {

// Arbitrary constant key of the PostgreSQL advisory lock and the MySQL named
// lock that serialise schema creation.
constexpr const char* kPostgresSchemaLockKey = "727365301";
constexpr const char* kMysqlSchemaLockName = "'optuna_schema_creation'";
constexpr int kMysqlSchemaLockTimeoutSeconds = 60;

struct EnumType {
  const char* name;
  std::vector<const char*> values;
  int sqlite_length;  // SQLAlchemy's VARCHAR length: the longest value
};

const std::vector<EnumType>& EnumTypes() {
  static const std::vector<EnumType> types = {
      {"studydirection", {"NOT_SET", "MINIMIZE", "MAXIMIZE"}, 8},
      {"trialstate", {"RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"}, 8},
      {"trialvaluetype", {"FINITE", "INF_POS", "INF_NEG"}, 7},
      {"trialintermediatevaluetype", {"FINITE", "INF_POS", "INF_NEG", "NAN"}, 7},
  };
  return types;
}

// Table definitions in creation order (foreign keys point backwards).
// @ID: auto-increment key, @FLOAT, @DATETIME, @ENUM:<type>@, @STUDY_NAME_KEY.
constexpr const char* kTables[] = {
    R"(CREATE TABLE IF NOT EXISTS studies (
	study_id @ID, 
	study_name VARCHAR(512) NOT NULL, 
	PRIMARY KEY (study_id)@STUDY_NAME_KEY
))",
    R"(CREATE TABLE IF NOT EXISTS version_info (
	version_info_id INTEGER NOT NULL, 
	schema_version INTEGER, 
	library_version VARCHAR(256), 
	PRIMARY KEY (version_info_id), 
	CHECK (version_info_id=1)
))",
    R"(CREATE TABLE IF NOT EXISTS study_directions (
	study_direction_id @ID, 
	direction @ENUM:studydirection@ NOT NULL, 
	study_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	PRIMARY KEY (study_direction_id), 
	UNIQUE (study_id, objective), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
))",
    R"(CREATE TABLE IF NOT EXISTS study_user_attributes (
	study_user_attribute_id @ID, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_user_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
))",
    R"(CREATE TABLE IF NOT EXISTS study_system_attributes (
	study_system_attribute_id @ID, 
	study_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (study_system_attribute_id), 
	UNIQUE (study_id, "key"), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trials (
	trial_id @ID, 
	number INTEGER, 
	study_id INTEGER, 
	state @ENUM:trialstate@ NOT NULL, 
	datetime_start @DATETIME, 
	datetime_complete @DATETIME, 
	PRIMARY KEY (trial_id), 
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_user_attributes (
	trial_user_attribute_id @ID, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_user_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_system_attributes (
	trial_system_attribute_id @ID, 
	trial_id INTEGER, 
	"key" VARCHAR(512), 
	value_json TEXT, 
	PRIMARY KEY (trial_system_attribute_id), 
	UNIQUE (trial_id, "key"), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_params (
	param_id @ID, 
	trial_id INTEGER, 
	param_name VARCHAR(512), 
	param_value @FLOAT, 
	distribution_json TEXT, 
	PRIMARY KEY (param_id), 
	UNIQUE (trial_id, param_name), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_values (
	trial_value_id @ID, 
	trial_id INTEGER NOT NULL, 
	objective INTEGER NOT NULL, 
	value @FLOAT, 
	value_type @ENUM:trialvaluetype@ NOT NULL, 
	PRIMARY KEY (trial_value_id), 
	UNIQUE (trial_id, objective), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_intermediate_values (
	trial_intermediate_value_id @ID, 
	trial_id INTEGER NOT NULL, 
	step INTEGER NOT NULL, 
	intermediate_value @FLOAT, 
	intermediate_value_type @ENUM:trialintermediatevaluetype@ NOT NULL, 
	PRIMARY KEY (trial_intermediate_value_id), 
	UNIQUE (trial_id, step), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS trial_heartbeats (
	trial_heartbeat_id @ID, 
	trial_id INTEGER NOT NULL, 
	heartbeat @DATETIME NOT NULL, 
	PRIMARY KEY (trial_heartbeat_id), 
	UNIQUE (trial_id), 
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
))",
    R"(CREATE TABLE IF NOT EXISTS alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
))",
};

// The tables created last; when both exist the schema is taken as present.
constexpr const char* kLastTables[] = {"trial_heartbeats", "alembic_version"};

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string EnumColumnType(SqlDialect dialect, const EnumType& type) {
  if (dialect == SqlDialect::kSqlite) return "VARCHAR(" + std::to_string(type.sqlite_length) + ")";
  if (dialect == SqlDialect::kPostgres) return type.name;
  std::string values;
  for (const char* value : type.values) {
    values += std::string(values.empty() ? "" : ",") + "'" + value + "'";
  }
  return "ENUM(" + values + ")";
}

std::string TableDdl(SqlDialect dialect, std::string ddl) {
  const bool sqlite = dialect == SqlDialect::kSqlite;
  const bool postgres = dialect == SqlDialect::kPostgres;
  ReplaceAll(ddl, "@ID",
             sqlite     ? "INTEGER NOT NULL"
             : postgres ? "SERIAL NOT NULL"
                        : "INTEGER NOT NULL AUTO_INCREMENT");
  ReplaceAll(ddl, "@FLOAT", sqlite ? "FLOAT" : "FLOAT(53)");
  ReplaceAll(ddl, "@DATETIME", postgres ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME");
  ReplaceAll(
      ddl, "@STUDY_NAME_KEY",
      dialect == SqlDialect::kMysql ? ", \n\tUNIQUE KEY ix_studies_study_name (study_name)" : "");
  for (const EnumType& type : EnumTypes()) {
    ReplaceAll(ddl, std::string("@ENUM:") + type.name + "@", EnumColumnType(dialect, type));
  }
  return ddl;
}

std::string PostgresCreateEnumType(const EnumType& type) {
  std::string values;
  for (const char* value : type.values) {
    values += std::string(values.empty() ? "" : ", ") + "'" + value + "'";
  }
  return std::string("DO $$ BEGIN IF to_regtype('") + type.name + "') IS NULL THEN CREATE TYPE " +
         type.name + " AS ENUM (" + values + "); END IF; END $$";
}

bool TableExists(SqlConnection& connection, const std::string& table) {
  switch (connection.dialect()) {
    case SqlDialect::kSqlite:
      return !connection
                  .Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
                         {table})
                  .empty();
    case SqlDialect::kPostgres:
      return !connection.Query("SELECT to_regclass(?)", {table})[0].IsNull(0);
    case SqlDialect::kMysql:
      return !connection
                  .Query(
                      "SELECT table_name FROM information_schema.tables "
                      "WHERE table_schema = DATABASE() AND table_name = ?",
                      {table})
                  .empty();
  }
  return false;
}

void CreateTables(SqlConnection& connection) {
  const SqlDialect dialect = connection.dialect();
  if (dialect == SqlDialect::kPostgres) {
    for (const EnumType& type : EnumTypes()) connection.Execute(PostgresCreateEnumType(type));
  }
  for (const char* table : kTables) {
    connection.Execute(TableDdl(dialect, table));
    // SQLAlchemy creates the study name index right after its table.
    if (table == kTables[0] && dialect != SqlDialect::kMysql) {
      connection.Execute(
          "CREATE UNIQUE INDEX IF NOT EXISTS ix_studies_study_name ON studies (study_name)");
    }
  }
}

void EnsureVersionRows(SqlConnection& connection) {
  std::vector<SqlRow> versions = connection.Query("SELECT schema_version FROM version_info", {});
  if (versions.empty()) {
    connection.Update(
        "INSERT INTO version_info (version_info_id, schema_version, library_version) "
        "VALUES (1, ?, ?)",
        {int64_t{kOptunaSchemaVersion}, std::string(kOptunaLibraryVersion)});
  } else if (versions[0].IsNull(0) || versions[0].Int(0) != kOptunaSchemaVersion) {
    throw std::runtime_error(
        "study storage holds Optuna schema version " +
        (versions[0].IsNull(0) ? std::string("NULL") : std::to_string(versions[0].Int(0))) +
        "; Recotem reads and writes version " + std::to_string(kOptunaSchemaVersion) +
        " (Optuna 3.x)");
  }
  if (connection.Query("SELECT version_num FROM alembic_version", {}).empty()) {
    connection.Update("INSERT INTO alembic_version (version_num) VALUES (?)",
                      {std::string(kOptunaAlembicRevision)});
  }
}

bool SchemaPresent(SqlConnection& connection) {
  for (const char* table : kLastTables) {
    if (!TableExists(connection, table)) return false;
  }
  return true;
}

void EnsureLocked(SqlConnection& connection) {
  if (!SchemaPresent(connection)) CreateTables(connection);
  EnsureVersionRows(connection);
}

}  // namespace

void EnsureOptunaSchema(SqlConnection& connection) {
  switch (connection.dialect()) {
    case SqlDialect::kSqlite:
    case SqlDialect::kPostgres:
      connection.BeginWrite();
      try {
        if (connection.dialect() == SqlDialect::kPostgres) {
          connection.Query(
              std::string("SELECT pg_advisory_xact_lock(") + kPostgresSchemaLockKey + ")", {});
        }
        EnsureLocked(connection);
        connection.Commit();
      } catch (...) {
        connection.Rollback();
        throw;
      }
      return;
    case SqlDialect::kMysql: {
      // MySQL commits DDL implicitly, so a named lock serialises creators.
      std::vector<SqlRow> got =
          connection.Query(std::string("SELECT GET_LOCK(") + kMysqlSchemaLockName + ", " +
                               std::to_string(kMysqlSchemaLockTimeoutSeconds) + ")",
                           {});
      if (got.empty() || got[0].IsNull(0) || got[0].Int(0) != 1) {
        throw std::runtime_error("MySQL study storage: timed out waiting for schema creation lock");
      }
      try {
        EnsureLocked(connection);
      } catch (...) {
        connection.Query(std::string("SELECT RELEASE_LOCK(") + kMysqlSchemaLockName + ")", {});
        throw;
      }
      connection.Query(std::string("SELECT RELEASE_LOCK(") + kMysqlSchemaLockName + ")", {});
      return;
    }
  }
}

}  // namespace recotem::tune::storage
