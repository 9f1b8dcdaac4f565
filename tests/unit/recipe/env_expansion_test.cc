// ${NAME} expansion as recipe.md §13's table says: allow-list, blacklist,
// --env-var precedence, the query/query_parameters exemption at any depth,
// protected source fields, single pass, empty values, no value in errors.
#include "recotem/recipe/env_expansion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_test_support.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;
using testing::LoadErrorJson;
using testing::LoadJson;
using testing::MinimalRecipeJson;
using ::testing::Not;

RecipeLoadOptions With(std::map<std::string, std::string> env) {
  RecipeLoadOptions o;
  o.extra_env = std::move(env);
  return o;
}

TEST(EnvExpansion, ExpandsRecipeVariablesAnywhereInStrings) {
  auto doc = MinimalRecipeJson();
  doc["name"] = "${RECOTEM_RECIPE_NAME}";
  doc["source"]["path"] = "s3://b/${RECOTEM_RECIPE_DAY}/x-${RECOTEM_RECIPE_DAY}.csv";
  doc["training"]["algorithms"] = {"${RECOTEM_RECIPE_ALGO}"};
  Recipe r = LoadJson(doc, With({{"RECOTEM_RECIPE_NAME", "daily"},
                                 {"RECOTEM_RECIPE_DAY", "d1"},
                                 {"RECOTEM_RECIPE_ALGO", "IALS"}}));
  EXPECT_EQ(r.name, "daily");
  EXPECT_EQ(r.source.config["path"], "s3://b/d1/x-d1.csv");
  EXPECT_EQ(r.training.algorithms[0], "IALS");
}

TEST(EnvExpansion, ProcessEnvironmentIsUsedWhenNoOverrideIsGiven) {
  testing::ScopedEnv env("RECOTEM_RECIPE_TEST_COLUMN", "uid");
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "${RECOTEM_RECIPE_TEST_COLUMN}";
  EXPECT_EQ(LoadJson(doc).schema.user_column, "uid");
  EXPECT_EQ(LoadJson(doc, With({{"RECOTEM_RECIPE_TEST_COLUMN", "override"}})).schema.user_column,
            "override");
}

TEST(EnvExpansion, LookupIsCaseSensitiveButTheAllowRuleIsNot) {
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "${recotem_recipe_col}";
  EXPECT_EQ(LoadJson(doc, With({{"recotem_recipe_col", "lower"}})).schema.user_column, "lower");
  EXPECT_THAT(LoadErrorJson(doc, With({{"RECOTEM_RECIPE_COL", "upper"}})),
              HasSubstr("${recotem_recipe_col} is referenced but is not set"));
}

TEST(EnvExpansion, NamesOutsideTheRecipePrefixAreNotAllowed) {
  testing::ScopedEnv env("HOME_DIR_FOR_TEST", "/home/x");
  auto doc = MinimalRecipeJson();
  doc["source"]["path"] = "${HOME_DIR_FOR_TEST}/a.csv";
  std::string error = LoadErrorJson(doc);
  EXPECT_THAT(error, HasSubstr("recipe.yaml: source.path: environment variable "
                               "${HOME_DIR_FOR_TEST} is not allowed"));
  EXPECT_THAT(error, Not(HasSubstr("/home/x")));
}

TEST(EnvExpansion, BlacklistIsCheckedFirstAndMatchesSubstringsAnywhere) {
  for (const char* name : {"RECOTEM_RECIPE_PARTITION_KEY",
                           "RECOTEM_RECIPE_MONKEY",
                           "RECOTEM_RECIPE_KEYBOARD",
                           "RECOTEM_RECIPE_AUTHOR",
                           "RECOTEM_RECIPE_DB_PASSWORD",
                           "RECOTEM_RECIPE_PASSWD",
                           "RECOTEM_RECIPE_TOKEN_X",
                           "RECOTEM_RECIPE_BEARER",
                           "RECOTEM_RECIPE_CREDS",
                           "RECOTEM_RECIPE_PRIVATE",
                           "recotem_recipe_secret",
                           "AWS_REGION",
                           "GCP_PROJECT",
                           "GOOGLE_CLOUD_PROJECT",
                           "AZURE_X",
                           "ALIYUN_X",
                           "ALICLOUD_X",
                           "OCI_X",
                           "IBM_X",
                           "DO_X",
                           "HCLOUD_X",
                           "DIGITALOCEAN_X",
                           "RECOTEM_SIGNING_KEYS",
                           "RECOTEM_API_KEYS"}) {
    EXPECT_TRUE(IsBlacklistedEnvName(name)) << name;
    auto doc = MinimalRecipeJson();
    doc["source"]["path"] = std::string("${") + name + "}";
    std::string error = LoadErrorJson(doc, With({{name, "the-secret-value"}}));
    EXPECT_THAT(error, HasSubstr(std::string("${") + name + "} is blacklisted")) << name;
    EXPECT_THAT(error, Not(HasSubstr("the-secret-value")));
  }
}

TEST(EnvExpansion, CloudPrefixesInsideTheRecipeNamespaceAreAllowed) {
  EXPECT_FALSE(IsBlacklistedEnvName("RECOTEM_RECIPE_GCP_PROJECT"));
  auto doc = MinimalRecipeJson();
  doc["source"]["path"] = "gs://${RECOTEM_RECIPE_GCP_PROJECT}@bucket/a.csv";
  EXPECT_EQ(LoadJson(doc, With({{"RECOTEM_RECIPE_GCP_PROJECT", "proj"}})).source.config["path"],
            "gs://proj@bucket/a.csv");
}

TEST(EnvExpansion, UnsetVariableIsAnErrorNamingFieldAndVariable) {
  auto doc = MinimalRecipeJson();
  doc["output"]["path"] = "${RECOTEM_RECIPE_NOT_SET_ANYWHERE}/x.recotem";
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: output.path: environment variable ${RECOTEM_RECIPE_NOT_SET_ANYWHERE} "
            "is referenced but is not set");
}

TEST(EnvExpansion, EmptyValueIsSubstitutedWithAWarning) {
  testing::LogCapture capture;
  auto doc = MinimalRecipeJson();
  doc["source"]["path"] = "data${RECOTEM_RECIPE_SUFFIX}.csv";
  EXPECT_EQ(LoadJson(doc, With({{"RECOTEM_RECIPE_SUFFIX", ""}})).source.config["path"], "data.csv");
  auto events = capture.Events(events::kRecipeEnvVarEmpty);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["name"], "RECOTEM_RECIPE_SUFFIX");
  EXPECT_EQ(events[0]["level"], "warning");
}

TEST(EnvExpansion, SubstitutedTextIsNotScannedAgain) {
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "${RECOTEM_RECIPE_A}";
  EXPECT_EQ(LoadJson(doc, With({{"RECOTEM_RECIPE_A", "${RECOTEM_RECIPE_B}"}})).schema.user_column,
            "${RECOTEM_RECIPE_B}");
}

TEST(EnvExpansion, NoEscapesNoDefaultsAndBareDollarIsLiteral) {
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "$RECOTEM_RECIPE_A ${} $";
  EXPECT_EQ(LoadJson(doc).schema.user_column, "$RECOTEM_RECIPE_A ${} $");
  doc["schema"]["user_column"] = "${RECOTEM_RECIPE_A:-fallback}";
  EXPECT_THAT(LoadErrorJson(doc),
              HasSubstr("${RECOTEM_RECIPE_A:-fallback} is referenced but is not set"));
}

TEST(EnvExpansion, QueryAndQueryParametersAreNeverExpandedAtAnyDepth) {
  auto doc = MinimalRecipeJson();
  doc["source"] = {{"type", "bigquery"},
                   {"query", "SELECT '${RECOTEM_RECIPE_UNSET_X}'"},
                   {"query_parameters", {{"p", "${AWS_SECRET_ACCESS_KEY}"}}}};
  Recipe r = LoadJson(doc);
  EXPECT_EQ(r.source.config["query"], "SELECT '${RECOTEM_RECIPE_UNSET_X}'");
  EXPECT_EQ(r.source.config["query_parameters"]["p"], "${AWS_SECRET_ACCESS_KEY}");

  // SQL query_parameters too (discrepancy D6), and the key match ignores case.
  doc["source"] = {{"type", "sql"},
                   {"dsn_env", "RECOTEM_RECIPE_DSN"},
                   {"QUERY", "x"},
                   {"query", "SELECT 1"},
                   {"Query_Parameters", {{"a", "${RECOTEM_RECIPE_UNSET_Y}"}}}};
  std::string error = LoadErrorJson(doc);
  EXPECT_THAT(error, Not(HasSubstr("UNSET")));  // only unknown-field errors remain
  EXPECT_THAT(error, HasSubstr("source.QUERY: unknown field"));
}

TEST(EnvExpansion, ExemptionAppliesToAQueryKeyNestedInsideAPluginConfig) {
  Json root = {
      {"source", {{"type", "csv"}, {"nested", {{"deeper", {{"Query", "${NOT_ALLOWED}"}}}}}}},
      {"other", {{"list", {{{"query_parameters", {"${ALSO_NOT}"}}}}}}}};
  ExpandedValues expanded = ExpandRecipeEnvironment(root, {}, {});
  EXPECT_TRUE(expanded.empty());
  EXPECT_EQ(root["source"]["nested"]["deeper"]["Query"], "${NOT_ALLOWED}");
}

TEST(EnvExpansion, SqlDsnEnvIsAProtectedField) {
  auto doc = MinimalRecipeJson();
  doc["source"] = {{"type", "sql"}, {"dsn_env", "RECOTEM_RECIPE_${X}"}, {"query", "SELECT 1"}};
  // Not expanded (so no "not set" error); the pattern check rejects it.
  EXPECT_THAT(
      LoadErrorJson(doc),
      HasSubstr(
          "source.dsn_env: must match ^RECOTEM_RECIPE_[A-Z0-9_]+$ (got 'RECOTEM_RECIPE_${X}')"));
}

TEST(EnvExpansion, KeysNumbersAndDatesAreLeftAlone) {
  Json root = {{"${RECOTEM_RECIPE_K}", 5}, {"d", "2026-04-01"}};
  ExpandedValues expanded = ExpandRecipeEnvironment(root, {"/d"}, {});
  EXPECT_TRUE(expanded.empty());
  EXPECT_TRUE(root.contains("${RECOTEM_RECIPE_K}"));
}

TEST(EnvExpansion, ReportsWhichPointersWereExpanded) {
  Json root = {{"a", {{"b", "x${RECOTEM_RECIPE_V}"}}}, {"c", "plain"}};
  ExpandedValues expanded = ExpandRecipeEnvironment(root, {}, {{"RECOTEM_RECIPE_V", "1"}});
  ASSERT_EQ(expanded.size(), 1u);
  EXPECT_EQ(expanded.at("/a/b"), (std::vector<std::string>{"RECOTEM_RECIPE_V"}));
}

TEST(EnvVarArguments, SplitsAtTheFirstEqualsAndLaterDuplicatesWin) {
  auto env = ParseEnvVarArguments(
      {"RECOTEM_RECIPE_A=x=y", "RECOTEM_RECIPE_B=", "RECOTEM_RECIPE_A=second"});
  EXPECT_EQ(env.at("RECOTEM_RECIPE_A"), "second");
  EXPECT_EQ(env.at("RECOTEM_RECIPE_B"), "");
  EXPECT_EQ(ParseEnvVarArguments({"RECOTEM_RECIPE_C=a=b"}).at("RECOTEM_RECIPE_C"), "a=b");
}

TEST(EnvVarArguments, RejectsMissingEqualsBadPrefixAndBlacklistedKeysWithExit2) {
  auto error_of = [](const std::string& arg) -> std::string {
    try {
      ParseEnvVarArguments({arg});
    } catch (const RecipeError& e) {
      EXPECT_EQ(e.exit_code(), ExitCode::kRecipe);
      return e.what();
    }
    return "";
  };
  EXPECT_THAT(error_of("RECOTEM_RECIPE_A"), HasSubstr("expected KEY=VALUE"));
  EXPECT_THAT(error_of("PATH=/bin"), HasSubstr("--env-var: environment variable ${PATH} is not "
                                               "allowed"));
  EXPECT_THAT(error_of("RECOTEM_RECIPE_API_KEY=v"), HasSubstr("is blacklisted"));
  EXPECT_THAT(error_of("=v"), HasSubstr("not allowed"));
  EXPECT_THAT(error_of("RECOTEM_RECIPE_TOKEN=hunter2"), Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace recotem
