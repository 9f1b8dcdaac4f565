// Every field of recipe.md's tables (§3–§10): valid values load; each class
// of invalid value (wrong type, out of range, pattern mismatch, missing,
// unknown key next to it) fails with exit 2 and a message that names the
// file and the field path; an absent optional field takes its default.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_field_cases.h"
#include "recipe_test_support.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;
using testing::AllFields;
using testing::Base;
using testing::BaseRecipe;
using testing::Dotted;
using testing::FieldCase;
using ::testing::HasSubstr;
using testing::LoadedValue;
using testing::LoadErrorJson;
using testing::LoadJson;
using testing::MinimalRecipeJson;

std::string CaseName(const ::testing::TestParamInfo<FieldCase>& info) {
  static const char* kBaseNames[] = {"", "Parquet", "BigQuery", "Sql", "", ""};
  std::string name =
      std::string(kBaseNames[static_cast<int>(info.param.base)]) + Dotted(info.param.pointer);
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

class RecipeField : public ::testing::TestWithParam<FieldCase> {};

TEST_P(RecipeField, AcceptsEveryValidValue) {
  const FieldCase& c = GetParam();
  for (const Json& value : c.valid) {
    Json doc = BaseRecipe(c.base);
    doc[Json::json_pointer(c.pointer)] = value;
    SCOPED_TRACE(doc.dump());
    EXPECT_EQ(LoadErrorJson(doc), "");
  }
}

TEST_P(RecipeField, RejectsEachInvalidClassNamingTheField) {
  const FieldCase& c = GetParam();
  ASSERT_FALSE(c.invalid.empty());
  for (const auto& [kind, value] : c.invalid) {
    Json doc = BaseRecipe(c.base);
    doc[Json::json_pointer(c.pointer)] = value;
    SCOPED_TRACE(std::string(kind) + ": " + doc.dump());
    // The field itself, or an entry inside it ("training.algorithms.0").
    EXPECT_THAT(LoadErrorJson(doc),
                ::testing::ContainsRegex("recipe.yaml: " + Dotted(c.pointer) + "[.:]"));
  }
}

TEST_P(RecipeField, MissingFieldIsRequiredOrTakesItsDefault) {
  const FieldCase& c = GetParam();
  Json doc = BaseRecipe(c.base);
  Json::json_pointer p(c.pointer);
  if (doc.contains(p)) doc[p.parent_pointer()].erase(p.back());
  if (!c.default_value) {
    EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: " + Dotted(c.pointer) +
                                              ": field "
                                              "required"));
  } else {
    Recipe r = LoadJson(doc);
    EXPECT_EQ(LoadedValue(r, c.pointer), *c.default_value);
  }
}

TEST_P(RecipeField, UnknownKeyBesideTheFieldIsRejected) {
  const FieldCase& c = GetParam();
  Json doc = BaseRecipe(c.base);
  Json::json_pointer p(c.pointer);
  doc[p.parent_pointer()]["no_such_field"] = 1;
  std::string parent = Dotted(p.parent_pointer().to_string());
  std::string expected = (parent.empty() ? "" : parent + ".") + "no_such_field: unknown field";
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: " + expected));
}

INSTANTIATE_TEST_SUITE_P(EveryField, RecipeField, ::testing::ValuesIn(AllFields()), CaseName);

TEST(RecipeBlocks, NonMappingBlocksAreRejectedWithTheBlockPath) {
  for (const char* block :
       {"/schema", "/cleansing", "/training", "/output", "/item_metadata", "/training/split"}) {
    Json doc = MinimalRecipeJson();
    doc[Json::json_pointer(block)] = "oops";
    EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: " + Dotted(block) +
                                              ": must be a "
                                              "mapping"))
        << block;
  }
  Json doc = MinimalRecipeJson();
  doc["source"] = "a.csv";
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: source: must be a mapping"));
}

TEST(RecipeBlocks, RequiredTopLevelBlocksAreNamedWhenMissing) {
  for (const char* block : {"source", "schema", "output"}) {
    Json doc = MinimalRecipeJson();
    doc.erase(block);
    EXPECT_THAT(LoadErrorJson(doc),
                HasSubstr(std::string("recipe.yaml: ") + block + ": field required"));
  }
}

TEST(RecipeBlocks, ItemMetadataMayBeNull) {
  Json doc = MinimalRecipeJson();
  doc["item_metadata"] = nullptr;
  EXPECT_FALSE(LoadJson(doc).item_metadata.has_value());
}

}  // namespace
}  // namespace recotem
