// recipe_hash (recipe.md §15): canonical JSON with sorted keys, defaults,
// `schema_`, ASCII escapes and Python float formatting; stable across YAML
// formatting and sensitive to every field.
#include "recotem/recipe/recipe_hash.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_test_support.h"

namespace recotem {
namespace {

using ::testing::HasSubstr;
using testing::LoadJson;
using testing::LoadText;
using testing::MinimalRecipeJson;

TEST(RecipeHash, CanonicalJsonHasSortedKeysDefaultsAndSchemaUnderscore) {
  std::string json = CanonicalRecipeJson(LoadJson(MinimalRecipeJson()));
  EXPECT_EQ(json.find(' '), std::string::npos);
  EXPECT_THAT(json, HasSubstr(R"("schema_":{"item_column":"item_id","time_column":null,)"));
  EXPECT_THAT(json, HasSubstr(R"("heldout_ratio":0.1,"scheme":"random","seed":42,)"
                              R"("test_user_ratio":1.0})"));
  EXPECT_THAT(json, HasSubstr(R"("item_metadata":null)"));
  EXPECT_THAT(json, HasSubstr(R"("source":{"delimiter":",","dtype":null,"encoding":"utf-8",)"));
  EXPECT_LT(json.find("\"cleansing\""), json.find("\"item_metadata\""));
  EXPECT_LT(json.find("\"name\""), json.find("\"output\""));
}

TEST(RecipeHash, NonAsciiIsEscaped) {
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "utilisateur_\u00e9";
  EXPECT_THAT(CanonicalRecipeJson(LoadJson(doc)), HasSubstr(R"("utilisateur_\u00e9")"));
}

TEST(RecipeHash, IsLowerHexSha256OfTheCanonicalJson) {
  Recipe r = LoadJson(MinimalRecipeJson());
  std::string hash = RecipeHash(r);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash, Sha256Hex(CanonicalRecipeJson(r)));
}

TEST(RecipeHash, IgnoresFormattingKeyOrderAndSpelledOutDefaults) {
  std::string compact =
      "name: news\nsource: {type: csv, path: data/news.csv}\n"
      "schema: {user_column: user_id, item_column: item_id}\n"
      "training: {algorithms: [TopPop]}\noutput: {path: artifacts/news.recotem}\n";
  std::string verbose =
      "output:\n  versioning: append_sha\n  path: artifacts/news.recotem\n"
      "training:\n  cutoff: 20\n  algorithms:\n    - TopPop\n  split: {seed: 42}\n"
      "schema:\n  item_column: item_id\n  user_column: user_id\n"
      "cleansing: {}\n"
      "source:\n  path: data/news.csv\n  type: csv\n  delimiter: ','\n"
      "name: news  # comment\n";
  EXPECT_EQ(RecipeHash(LoadText(compact, {})), RecipeHash(LoadText(verbose, {})));
}

TEST(RecipeHash, ChangesWithAnyField) {
  std::string base = RecipeHash(LoadJson(MinimalRecipeJson()));
  auto doc = MinimalRecipeJson();
  doc["training"]["split"] = {{"seed", 43}};
  EXPECT_NE(RecipeHash(LoadJson(doc)), base);
  doc = MinimalRecipeJson();
  doc["source"]["encoding"] = "latin-1";
  EXPECT_NE(RecipeHash(LoadJson(doc)), base);
  doc = MinimalRecipeJson();
  doc["training"]["algorithms"] = {"TopPop", "IALS"};
  EXPECT_NE(RecipeHash(LoadJson(doc)), base);
}

TEST(RecipeHash, UsesTheExpandedValues) {
  auto doc = MinimalRecipeJson();
  doc["source"]["path"] = "${RECOTEM_RECIPE_P}";
  RecipeLoadOptions a, b;
  a.extra_env["RECOTEM_RECIPE_P"] = "one.csv";
  b.extra_env["RECOTEM_RECIPE_P"] = "two.csv";
  EXPECT_NE(RecipeHash(LoadJson(doc, a)), RecipeHash(LoadJson(doc, b)));
}

}  // namespace
}  // namespace recotem
