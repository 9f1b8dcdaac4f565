#include "recotem/data/csv_source.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "recotem/core/errors.h"
#include "recotem/core/hashing.h"

namespace recotem {
namespace {

class CsvSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("recotem-csv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(CsvSourceTest, ReadsAPlainFile) {
  CsvSourceConfig config;
  config.path = Write("a.csv", "u,i\n1,2\n3,4\n");
  CsvSource source(config);
  InteractionTable t = source.Fetch({"r", "run"});
  EXPECT_EQ(t.n_rows(), 2u);
}

TEST_F(CsvSourceTest, DetectsGzipByMagicBytes) {
  std::string plain = "u,i\n1,2\n";
  uLongf len = compressBound(plain.size()) + 32;
  std::string gz(len, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(plain.data());
  zs.avail_in = plain.size();
  zs.next_out = reinterpret_cast<Bytef*>(gz.data());
  zs.avail_out = gz.size();
  deflate(&zs, Z_FINISH);
  gz.resize(zs.total_out);
  deflateEnd(&zs);
  CsvSourceConfig config;
  config.path = Write("data.bin", gz);
  EXPECT_EQ(CsvSource(config).Fetch({"r", "run"}).n_rows(), 1u);
}

TEST_F(CsvSourceTest, MissingFileIsADataSourceError) {
  CsvSourceConfig config;
  config.path = (dir_ / "nope.csv").string();
  try {
    CsvSource(config).Fetch({"r", "run"});
    FAIL();
  } catch (const DataSourceError& e) {
    EXPECT_NE(std::string(e.what()).find("CSV file not found"), std::string::npos);
  }
}

TEST_F(CsvSourceTest, HeaderOnlyFileIsEmpty) {
  CsvSourceConfig config;
  config.path = Write("h.csv", "u,i\n");
  EXPECT_THROW(CsvSource(config).Fetch({"r", "run"}), DataSourceError);
}

TEST_F(CsvSourceTest, Sha256MismatchCountsAsAnHttpFetchFailure) {
  CsvSourceConfig config;
  config.path = Write("s.csv", "u,i\n1,2\n");
  config.sha256 = std::string(64, '0');
  try {
    CsvSource(config).Fetch({"r", "run"});
    FAIL();
  } catch (const DataSourceError& e) {
    EXPECT_TRUE(e.caused_by_http_fetch());
  }
  config.sha256 = Sha256Hex(std::string_view("u,i\n1,2\n"));
  EXPECT_EQ(CsvSource(config).Fetch({"r", "run"}).n_rows(), 1u);
}

TEST_F(CsvSourceTest, Latin1IsConvertedToUtf8) {
  CsvSourceConfig config;
  config.path = Write("l.csv", "u,i\ncaf\xe9,1\n");
  config.encoding = "latin-1";
  EXPECT_EQ(CsvSource(config).Fetch({"r", "run"}).Find("u")->Raw(0), "caf\xc3\xa9");
}

TEST_F(CsvSourceTest, ProbeNamesAMissingColumn) {
  CsvSourceConfig config;
  config.path = Write("p.csv", "u,i\n1,2\n");
  CsvSource source(config);
  EXPECT_NO_THROW(source.Probe({"u", "i"}));
  try {
    source.Probe({"u", "item"});
    FAIL();
  } catch (const DataSourceError& e) {
    EXPECT_NE(std::string(e.what()).find("'item'"), std::string::npos);
  }
}

}  // namespace
}  // namespace recotem
