#include "recotem/serve/item_metadata.h"

#include <gtest/gtest.h>

#include <fstream>

#include "log_capture.h"
#include "test_artifacts.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

ItemMetadataSpec Spec(std::vector<std::string> fields, std::string on_missing = "error") {
  ItemMetadataSpec spec;
  spec.type = "csv";
  spec.fields = std::move(fields);
  spec.on_field_missing = std::move(on_missing);
  return spec;
}

TEST(ParseCsv, HandlesQuotesDoubledQuotesNewlinesCrlfAndBom) {
  auto rows = ParseCsv("\xEF\xBB\xBFitem_id,title\r\ni1,\"a, \"\"quoted\"\"\nline\"\r\ni2,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"item_id", "title"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"i1", "a, \"quoted\"\nline"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"i2", ""}));
  EXPECT_THROW(ParseCsv("a,\"open\n"), MetadataLoadError);
}

TEST(BuildMetadataIndex, KeepsOnlyAllowedFieldsInConfiguredOrder) {
  testing::LogCapture logs;
  auto rows = ParseCsv("secret,genre,item_id,title\ns1,g1,i1,T1\ns2,g2,i2,T2\n");
  auto index = BuildMetadataIndex(rows, Spec({"title", "genre"}), {}, "m.csv");
  ASSERT_EQ(index->size(), 2u);
  const Json* row = index->Find("i1");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->dump(), R"({"title":"T1","genre":"g1"})");
  EXPECT_EQ(index->Find("nope"), nullptr);
}

TEST(BuildMetadataIndex, DenyListIsCaseInsensitive) {
  testing::LogCapture logs;
  auto rows = ParseCsv("item_id,Title,Price\ni1,T,9\n");
  auto index = BuildMetadataIndex(rows, Spec({"Title", "Price"}), {"price"}, "m.csv");
  EXPECT_EQ(index->Find("i1")->dump(), R"({"Title":"T"})");
  EXPECT_EQ(index->fields(), std::vector<std::string>{"Title"});
}

TEST(BuildMetadataIndex, MissingFieldFailsInErrorModeAndIsNullInNullMode) {
  testing::LogCapture logs;
  auto rows = ParseCsv("item_id,title\ni1,T\n");
  EXPECT_THROW(BuildMetadataIndex(rows, Spec({"title", "genre"}), {}, "m.csv"), MetadataLoadError);
  auto index = BuildMetadataIndex(rows, Spec({"title", "genre"}, "null"), {}, "m.csv");
  EXPECT_EQ(index->Find("i1")->dump(), R"({"title":"T","genre":null})");
  EXPECT_EQ(logs.Events("metadata_field_missing_filled_null").size(), 1u);
}

TEST(BuildMetadataIndex, DropsBlankIdsAndKeepsTheFirstDuplicate) {
  testing::LogCapture logs;
  auto rows = ParseCsv("item_id,title\n,blank\n  ,spaces\ni1,first\ni1,second\nnan,kept\n");
  auto index = BuildMetadataIndex(rows, Spec({"title"}), {}, "m.csv");
  EXPECT_EQ(index->size(), 2u);
  EXPECT_EQ((*index->Find("i1"))["title"], "first");
  EXPECT_NE(index->Find("nan"), nullptr);
  ASSERT_EQ(logs.Events("metadata_null_item_ids_dropped").size(), 1u);
  EXPECT_EQ(logs.Events("metadata_null_item_ids_dropped")[0]["drop_count"], 2);
  EXPECT_EQ(logs.Events("metadata_duplicate_item_ids_dropped")[0]["drop_count"], 1);
}

TEST(BuildMetadataIndex, RequiresTheItemIdColumnAndRejectsOverlongRows) {
  testing::LogCapture logs;
  EXPECT_THROW(BuildMetadataIndex(ParseCsv("id,title\n1,T\n"), Spec({"title"}), {}, "m.csv"),
               MetadataLoadError);
  EXPECT_THROW(
      BuildMetadataIndex(ParseCsv("item_id,title\ni1,T,extra\n"), Spec({"title"}), {}, "m.csv"),
      MetadataLoadError);
}

TEST(LoadItemMetadata, ReadsALocalFileAndRefusesUnsupportedSources) {
  testing::LogCapture logs;
  testing::TempDir dir;
  std::ofstream(dir / "items.csv") << "item_id,title\ni1,One\n";
  ItemMetadataSpec spec = Spec({"title"});
  spec.path = (dir / "items.csv").string();
  auto index = LoadItemMetadata(spec, {});
  EXPECT_EQ((*index->Find("i1"))["title"], "One");
  ASSERT_EQ(logs.Events("metadata_loaded").size(), 1u);
  EXPECT_EQ(logs.Events("metadata_loaded")[0]["n_items"], 1);

  spec.path = (dir / "absent.csv").string();
  EXPECT_THROW(LoadItemMetadata(spec, {}), MetadataLoadError);
  spec.path = "https://example.com/items.csv";
  EXPECT_THROW(LoadItemMetadata(spec, {}), MetadataLoadError);
  spec.path = (dir / "items.csv").string();
  spec.type = "parquet";
  EXPECT_THROW(LoadItemMetadata(spec, {}), MetadataLoadError);
}

}  // namespace
}  // namespace recotem::serve
