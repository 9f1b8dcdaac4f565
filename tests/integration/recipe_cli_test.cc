// `recotem validate` and `recotem schema` as a user runs them: the three
// lines of datasources.md §12, exit 2 for recipe errors (with file, field
// path and rule on stderr), exit 3 for a missing CSV column or file, and a
// schema on stdout that is JSON with the spec's shape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process.h"

namespace recotem::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kRecipe = R"(name: news
source:
  type: csv
  path: ${RECOTEM_RECIPE_DATA}
schema:
  user_column: user_id
  item_column: item_id
  time_column: ts
training:
  algorithms: [IALS, TopPop]
  cutoff: 10
output:
  path: out/news.recotem
)";

class RecipeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTextFile(dir_ / "interactions.csv", "user_id,item_id,ts\nu1,i1,1\nu2,i2,2\n");
    env_["RECOTEM_RECIPE_DATA"] = dir_ / "interactions.csv";
  }
  std::string Write(const std::string& name, const std::string& text) {
    WriteTextFile(dir_ / name, text);
    return dir_ / name;
  }
  TempDir dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(RecipeCli, ValidatePrintsTheThreeLinesAndExitsZero) {
  ProcessResult r = RunRecotem({"validate", Write("news.yaml", kRecipe)}, env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Recipe 'news': schema OK\nDataSource: probe OK (csv)\nValidation passed.\n");
}

TEST_F(RecipeCli, ValidateExitsThreeForAMissingColumn) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find("item_column: item_id"), 20, "item_column: sku");
  ProcessResult r = RunRecotem({"validate", Write("news.yaml", recipe)}, env_);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "Recipe 'news': schema OK\n");
  EXPECT_THAT(r.err, HasSubstr("DataSource probe failed: CSV column 'sku' (schema.item_column)"));
}

TEST_F(RecipeCli, ValidateExitsThreeForAMissingFile) {
  env_["RECOTEM_RECIPE_DATA"] = dir_ / "absent.csv";
  ProcessResult r = RunRecotem({"validate", Write("news.yaml", kRecipe)}, env_);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("DataSource probe failed: CSV file not found: "));
}

TEST_F(RecipeCli, ValidateExitsTwoNamingFileFieldAndRule) {
  std::string recipe = std::string(kRecipe) + "cleansing:\n  min_rows: -1\n";
  std::string path = Write("news.yaml", recipe);
  ProcessResult r = RunRecotem({"validate", path}, env_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("Recipe validation failed: " + path +
                               ": cleansing.min_rows: must be >= 0 (got -1)"));
}

TEST_F(RecipeCli, ValidateNeverPrintsAnEnvironmentValue) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find("cutoff: 10"), 10, "cutoff: ${RECOTEM_RECIPE_CUTOFF}");
  env_["RECOTEM_RECIPE_CUTOFF"] = "value-that-must-not-leak";
  ProcessResult r = RunRecotem({"validate", Write("news.yaml", recipe)}, env_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("training.cutoff: must be an integer >= 1"));
  EXPECT_THAT(r.err + r.out, Not(HasSubstr("value-that-must-not-leak")));
}

TEST_F(RecipeCli, ValidateOfANonexistentPathIsAUsageErrorWithExitTwo) {
  ProcessResult r = RunRecotem({"validate", dir_ / "nope.yaml"}, env_);
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(RecipeCli, ValidateReportsSourcesWithoutAProbe) {
  std::string recipe = kRecipe;
  recipe.replace(recipe.find("path: ${RECOTEM_RECIPE_DATA}"), 28, "path: s3://bucket/x.csv");
  ProcessResult r = RunRecotem({"validate", Write("news.yaml", recipe)}, env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("DataSource: extras OK (csv, no probe defined)\n"));
}

TEST_F(RecipeCli, SchemaPrintsIndentedJsonSchemaOnStdout) {
  ProcessResult r = RunRecotem({"schema"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json schema = nlohmann::json::parse(r.out);
  EXPECT_EQ(schema["title"], "Recipe");
  EXPECT_EQ(schema["properties"]["source"]["discriminator"]["propertyName"], "type");
  EXPECT_TRUE(schema["$defs"].contains("CSVConfig"));
  EXPECT_EQ(r.out.rfind("{\n  \"title\"", 0), 0u);
}

}  // namespace
}  // namespace recotem::testing
