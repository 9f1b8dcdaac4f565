// OpenStudyStorage: which storage a storage_path opens, and how failures
// surface (std::runtime_error → exit 1).
#include "recotem/tune/storage/open_study_storage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "recotem/tune/in_memory_storage.h"
#include "recotem/tune/storage/rdb_study_storage.h"
#include "test_databases.h"

namespace recotem::tune::storage {
namespace {

TEST(OpenStudyStorage, EmptyPathOpensAnInMemoryStorage) {
  auto storage = OpenStudyStorage("   ");
  EXPECT_NE(dynamic_cast<InMemoryStudyStorage*>(storage.get()), nullptr);
}

TEST(OpenStudyStorage, BarePathCreatesAnSqliteFileWithOptunasSchema) {
  std::string path = testing::MakeTempDir() + "/study.db";
  auto storage = OpenStudyStorage(path);
  EXPECT_NE(dynamic_cast<RdbStudyStorage*>(storage.get()), nullptr);
  EXPECT_TRUE(std::filesystem::exists(path));
  testing::CommandResult schema = testing::RunCommand("sqlite3 " + path +
                                                      " 'SELECT * FROM version_info; SELECT * FROM "
                                                      "alembic_version;' 2>&1");
  if (schema.status == 127) GTEST_SKIP() << "sqlite3 CLI not installed";
  EXPECT_EQ(schema.out, "1|12|3.1.0\nv3.0.0.d\n");
}

TEST(OpenStudyStorage, TwoOpensOfOneFileShareStudies) {
  std::string path = testing::MakeTempDir() + "/shared.db";
  int64_t id = OpenStudyStorage("sqlite:///" + path)->CreateOrLoadStudy("s");
  EXPECT_EQ(OpenStudyStorage(path)->CreateOrLoadStudy("s"), id);
}

TEST(OpenStudyStorage, UnopenableDatabasesThrowRuntimeErrors) {
  EXPECT_THROW(OpenStudyStorage("/nonexistent-dir/for/sure/study.db"), std::runtime_error);
  EXPECT_THROW(OpenStudyStorage("sqlite.db"), std::runtime_error);
  EXPECT_THROW(OpenStudyStorage("postgresql://127.0.0.1:1/db?connect_timeout=2"),
               std::runtime_error);
  EXPECT_THROW(OpenStudyStorage("mysql://127.0.0.1:1/db"), std::runtime_error);
  EXPECT_THROW(OpenStudyStorage("mysql://127.0.0.1:1/db?ssl=1"), std::runtime_error);
}

TEST(OpenStudyStorage, RefusesADatabaseWithAnotherSchemaVersion) {
  std::string path = testing::MakeTempDir() + "/old.db";
  OpenStudyStorage(path);
  if (testing::RunCommand("sqlite3 " + path + " 'UPDATE version_info SET schema_version = 11'")
          .status != 0) {
    GTEST_SKIP() << "sqlite3 CLI not installed";
  }
  EXPECT_THROW(OpenStudyStorage(path), std::runtime_error);
}

}  // namespace
}  // namespace recotem::tune::storage
