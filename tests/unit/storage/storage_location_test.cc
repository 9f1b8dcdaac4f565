// storage_path parsing (recipe.md §9.6) and the libpq connection string.
#include "recotem/tune/storage/storage_location.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recotem/core/errors.h"
#include "recotem/tune/storage/open_study_storage.h"

namespace recotem::tune::storage {
namespace {

TEST(ParseStoragePath, EmptyOrBlankIsInMemory) {
  EXPECT_EQ(ParseStoragePath("").kind, StorageKind::kInMemory);
  EXPECT_EQ(ParseStoragePath(" \t\n").kind, StorageKind::kInMemory);
}

TEST(ParseStoragePath, BarePathsAreSqliteFiles) {
  StorageLocation location = ParseStoragePath("  studies/run.db ");
  EXPECT_EQ(location.kind, StorageKind::kSqlite);
  EXPECT_EQ(location.sqlite_path, "studies/run.db");
  EXPECT_EQ(ParseStoragePath("/abs/sqlite3.db").sqlite_path, "/abs/sqlite3.db");
  EXPECT_EQ(ParseStoragePath("sqlite3.db").kind, StorageKind::kSqlite);  // no word boundary
  EXPECT_EQ(ParseStoragePath("mysqlish.db").sqlite_path, "mysqlish.db");
}

TEST(ParseStoragePath, SqliteUrlsFollowSqlAlchemy) {
  EXPECT_EQ(ParseStoragePath("sqlite:///relative.db").sqlite_path, "relative.db");
  EXPECT_EQ(ParseStoragePath("sqlite:////abs/file.db").sqlite_path, "/abs/file.db");
  EXPECT_EQ(ParseStoragePath("sqlite://").sqlite_path, ":memory:");
  EXPECT_EQ(ParseStoragePath("sqlite:///:memory:").sqlite_path, ":memory:");
}

TEST(ParseStoragePath, WordBoundaryQuirkMakesSomeFileNamesFail) {
  EXPECT_THROW(ParseStoragePath("sqlite.db"), std::runtime_error);
  EXPECT_THROW(ParseStoragePath("postgres-study.db"), std::runtime_error);
  EXPECT_THROW(ParseStoragePath("mysql"), std::runtime_error);
  EXPECT_THROW(ParseStoragePath("sqlite://host/file.db"), std::runtime_error);
}

TEST(ParseStoragePath, PostgresUrlsWithDriverPortAndQuery) {
  StorageLocation location =
      ParseStoragePath("postgresql+psycopg2://db.example:6543/studies?sslmode=require");
  EXPECT_EQ(location.kind, StorageKind::kPostgres);
  EXPECT_EQ(location.host, "db.example");
  EXPECT_EQ(location.port, 6543);
  EXPECT_EQ(location.database, "studies");
  EXPECT_EQ(PostgresConninfo(location),
            "host='db.example' port='6543' dbname='studies' sslmode='require'");
  EXPECT_EQ(ParseStoragePath("postgres://h/d").kind, StorageKind::kPostgres);
}

TEST(ParseStoragePath, PostgresUnixSocketsAndIpv6) {
  StorageLocation socket = ParseStoragePath("postgresql:///studies?host=/var/run/postgresql");
  EXPECT_EQ(PostgresConninfo(socket), "dbname='studies' host='/var/run/postgresql'");
  StorageLocation encoded = ParseStoragePath("postgresql://%2Ftmp%2Fpg/db");
  EXPECT_EQ(encoded.host, "/tmp/pg");
  StorageLocation ipv6 = ParseStoragePath("postgresql://[::1]:5433/db");
  EXPECT_EQ(ipv6.host, "::1");
  EXPECT_EQ(ipv6.port, 5433);
  StorageLocation quoted = ParseStoragePath("postgresql://h/d?application_name=it's");
  EXPECT_EQ(PostgresConninfo(quoted), R"(host='h' dbname='d' application_name='it\'s')");
}

TEST(ParseStoragePath, MysqlUrls) {
  StorageLocation location =
      ParseStoragePath("mysql+pymysql://127.0.0.1:3307/optuna?charset=utf8mb4");
  EXPECT_EQ(location.kind, StorageKind::kMysql);
  EXPECT_EQ(location.host, "127.0.0.1");
  EXPECT_EQ(location.port, 3307);
  EXPECT_EQ(location.database, "optuna");
  EXPECT_EQ(location.description, "mysql+pymysql://127.0.0.1:3307/optuna");
}

TEST(ParseStoragePath, RejectsMissingDatabaseAndBadPorts) {
  EXPECT_THROW(ParseStoragePath("postgresql://host"), std::runtime_error);
  EXPECT_THROW(ParseStoragePath("mysql://host:99999/db"), std::runtime_error);
  EXPECT_THROW(ParseStoragePath("mysql://host:abc/db"), std::runtime_error);
}

void ExpectCredentialsRejected(const std::string& url, const std::string& secret) {
  try {
    ParseStoragePath(url);
    ADD_FAILURE() << url << " was accepted";
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "search_error");
    EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
  }
}

TEST(ParseStoragePath, RejectsCredentialsWithoutPrintingThem) {
  ExpectCredentialsRejected("postgresql://alice:s3cret@db/studies", "s3cret");
  ExpectCredentialsRejected("postgresql+psycopg2://alice@db/studies", "alice");
  ExpectCredentialsRejected("mysql+pymysql://bob:hunter2@127.0.0.1/optuna", "hunter2");
  ExpectCredentialsRejected("mysql://:hunter2@127.0.0.1/optuna", "hunter2");
  ExpectCredentialsRejected("sqlite://carol:pw@/file.db", "pw@");
  ExpectCredentialsRejected("postgresql://db/studies?password=s3cret", "s3cret");
  ExpectCredentialsRejected("  postgres://dave:pw1@h:5432/d  ", "pw1");
}

TEST(OpenStudyStorage, RejectsCredentialsBeforeConnecting) {
  EXPECT_THROW(OpenStudyStorage("postgresql://u:p@127.0.0.1:1/db"), TrainingError);
}

}  // namespace
}  // namespace recotem::tune::storage
