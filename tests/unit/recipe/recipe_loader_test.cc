// The load sequence of recipe.md §1.1 end to end: the complete example,
// defaults, YAML 1.1 typing as recipes see it, lax coercion, error format,
// the order in which failures mask each other, and recipe_loaded.
#include "recotem/recipe/recipe_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_test_support.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

using ::testing::HasSubstr;
using testing::LoadError;
using testing::LoadErrorCategory;
using testing::LoadErrorJson;
using testing::LoadJson;
using testing::LoadText;
using testing::MinimalRecipeJson;
using ::testing::Not;

RecipeLoadOptions ExampleEnv() {
  RecipeLoadOptions options;
  options.extra_env["RECOTEM_RECIPE_EXPORT_DATE"] = "2026-04-01";
  return options;
}

TEST(RecipeLoader, LoadsTheCompleteExampleRecipeOfTheSpec) {
  Recipe r = LoadText(testing::kExampleRecipe, ExampleEnv());
  EXPECT_EQ(r.name, "shop_purchases");
  EXPECT_EQ(r.source.type, "csv");
  EXPECT_EQ(r.source.config["path"], "s3://acme-data/exports/2026-04-01/purchases.csv.gz");
  EXPECT_EQ(r.source.config["delimiter"], ",");
  EXPECT_EQ(r.source.config["header"], 0);
  EXPECT_EQ(r.source.config["dtype"]["sku"], "str");
  EXPECT_TRUE(r.source.config["sha256"].is_null());
  EXPECT_EQ(r.schema.user_column, "customer_id");
  EXPECT_EQ(r.schema.time_column, "purchased_at");
  EXPECT_FALSE(r.schema.time_unit.has_value());
  EXPECT_EQ(r.cleansing.min_rows, 5000);
  EXPECT_EQ(r.cleansing.min_items, 50);
  ASSERT_TRUE(r.item_metadata.has_value());
  EXPECT_EQ(r.item_metadata->on_field_missing, "null");
  EXPECT_EQ(r.item_metadata->fields, (std::vector<std::string>{"title", "category", "price"}));
  EXPECT_EQ(r.training.algorithms.size(), 4u);
  EXPECT_EQ(r.training.n_trials, 60);
  ASSERT_TRUE(r.training.per_algorithm_trials.has_value());
  EXPECT_EQ(r.training.per_algorithm_trials->at("IALS"), 30);
  EXPECT_EQ(r.training.per_trial_timeout_seconds, 900);
  EXPECT_EQ(r.training.split.scheme, "time_user");
  EXPECT_DOUBLE_EQ(r.training.split.heldout_ratio, 0.2);
  EXPECT_EQ(r.output.path, "/var/lib/recotem/artifacts/shop_purchases.recotem");
  EXPECT_EQ(r.file_path, "recipe.yaml");
}

TEST(RecipeLoader, FillsEveryDefaultOfAMinimalRecipe) {
  Recipe r = LoadJson(MinimalRecipeJson());
  EXPECT_EQ(r.source.config["delimiter"], ",");
  EXPECT_EQ(r.source.config["encoding"], "utf-8");
  EXPECT_EQ(r.source.config["header"], 0);
  EXPECT_TRUE(r.source.config["dtype"].is_null());
  EXPECT_FALSE(r.schema.time_column.has_value());
  EXPECT_TRUE(r.cleansing.drop_null_ids);
  EXPECT_EQ(r.cleansing.dedup, "keep_last");
  EXPECT_FALSE(r.cleansing.min_rows.has_value());
  EXPECT_FALSE(r.item_metadata.has_value());
  EXPECT_EQ(r.training.metric, "ndcg");
  EXPECT_EQ(r.training.cutoff, 20);
  EXPECT_EQ(r.training.n_trials, 40);
  EXPECT_FALSE(r.training.per_algorithm_trials.has_value());
  EXPECT_EQ(r.training.parallelism, 1);
  EXPECT_EQ(r.training.storage_path, "");
  EXPECT_EQ(r.training.split.scheme, "random");
  EXPECT_DOUBLE_EQ(r.training.split.heldout_ratio, 0.1);
  EXPECT_DOUBLE_EQ(r.training.split.test_user_ratio, 1.0);
  EXPECT_EQ(r.training.split.seed, 42);
  EXPECT_EQ(r.output.versioning, "append_sha");
}

TEST(RecipeLoader, SqlSourceConfigGetsItsDefaults) {
  auto doc = MinimalRecipeJson();
  doc["source"] = {{"type", "sql"}, {"dsn_env", "RECOTEM_RECIPE_DSN"}, {"query", "SELECT 1"}};
  Recipe r = LoadJson(doc);
  EXPECT_EQ(r.source.type, "sql");
  EXPECT_EQ(r.source.config["connect_timeout_seconds"], 10);
  EXPECT_EQ(r.source.config["statement_timeout_seconds"], 300);
  EXPECT_TRUE(r.source.config["query_parameters"].is_object());
  EXPECT_TRUE(r.source.config["query_parameters"].empty());
}

TEST(RecipeLoader, ErrorNamesFileFieldPathRuleAndValue) {
  auto doc = MinimalRecipeJson();
  doc["training"]["split"] = {{"heldout_ratio", 1.5}};
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: training.split.heldout_ratio: must be > 0 and < 1 (got 1.5)");
}

TEST(RecipeLoader, ReportsEveryFieldErrorOnItsOwnLine) {
  auto doc = MinimalRecipeJson();
  doc["training"]["cutoff"] = 0;
  doc["training"]["metric"] = "NDCG";
  std::string error = LoadErrorJson(doc);
  EXPECT_THAT(error, HasSubstr("recipe.yaml: training.cutoff: must be >= 1 (got 0)"));
  EXPECT_THAT(error, HasSubstr("\nrecipe.yaml: training.metric: must be one of: ndcg, map, "
                               "recall, hit (got 'NDCG')"));
}

TEST(RecipeLoader, MissingTrainingBlockReportsAlgorithmsRequired) {
  auto doc = MinimalRecipeJson();
  doc.erase("training");
  EXPECT_EQ(LoadErrorJson(doc), "recipe.yaml: training.algorithms: field required");
}

TEST(RecipeLoader, YamlOneOneTypingAppliesToRecipeValues) {
  std::string yaml = R"(name: news
source: {type: csv, path: data/news.csv, header: 0x1}
schema: {user_column: u, item_column: i}
cleansing: {drop_null_ids: off, min_rows: 012, min_users: 1:20}
training: {algorithms: [TopPop], cutoff: 1_0, n_trials: 20.0}
output: {path: out/news.recotem}
)";
  Recipe r = LoadText(yaml);
  EXPECT_EQ(r.source.config["header"], 1);
  EXPECT_FALSE(r.cleansing.drop_null_ids);
  EXPECT_EQ(r.cleansing.min_rows, 10);
  EXPECT_EQ(r.cleansing.min_users, 80);
  EXPECT_EQ(r.training.cutoff, 10);
  EXPECT_EQ(r.training.n_trials, 20);
}

TEST(RecipeLoader, LaxCoercionAcceptsNumericStringsAndBoolStrings) {
  auto doc = MinimalRecipeJson();
  doc["training"]["cutoff"] = "15";
  doc["training"]["split"] = {{"heldout_ratio", "0.25"}, {"seed", true}};
  doc["cleansing"] = {{"drop_null_ids", "no"}};
  Recipe r = LoadJson(doc);
  EXPECT_EQ(r.training.cutoff, 15);
  EXPECT_DOUBLE_EQ(r.training.split.heldout_ratio, 0.25);
  EXPECT_EQ(r.training.split.seed, 1);
  EXPECT_FALSE(r.cleansing.drop_null_ids);
}

TEST(RecipeLoader, AnIntegerFieldRejectsAFractionalValue) {
  auto doc = MinimalRecipeJson();
  doc["training"]["n_trials"] = 20.5;
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: training.n_trials: must be an integer >= 1 (got 20.5)");
}

TEST(RecipeLoader, StringFieldsRejectUnquotedNumbersBooleansAndDates) {
  EXPECT_THAT(LoadError("name: news\nsource: {type: csv, path: yes}\n"
                        "schema: {user_column: u, item_column: i}\n"
                        "training: {algorithms: [TopPop]}\noutput: {path: o.recotem}\n"),
              HasSubstr("source.path: must be a string; quote the value (got true)"));
  EXPECT_THAT(LoadError("name: news\nsource: {type: csv, path: a.csv}\n"
                        "schema: {user_column: 1, item_column: 2026-04-01}\n"
                        "training: {algorithms: [TopPop]}\noutput: {path: o.recotem}\n"),
              HasSubstr("schema.user_column: must be a string; quote the value (got 1)"));
  EXPECT_THAT(
      LoadError("name: news\nsource: {type: csv, path: a.csv}\n"
                "schema: {user_column: u, item_column: 2026-04-01}\n"
                "training: {algorithms: [TopPop]}\noutput: {path: o.recotem}\n"),
      HasSubstr("schema.item_column: must be a string; quote the value (got date 2026-04-01)"));
}

TEST(RecipeLoader, AnAllDigitNameMustBeQuoted) {
  std::string base =
      "source: {type: csv, path: a.csv}\nschema: {user_column: u, item_column: i}\n"
      "training: {algorithms: [TopPop]}\noutput: {path: o.recotem}\n";
  EXPECT_THAT(LoadError("name: 2024\n" + base), HasSubstr("recipe.yaml: name: must be a string"));
  EXPECT_EQ(LoadText("name: \"2024\"\n" + base).name, "2024");
}

TEST(RecipeLoader, DuplicateKeysLastOneWins) {
  std::string yaml =
      "name: first\nname: second\nsource: {type: csv, path: a.csv}\n"
      "schema: {user_column: u, item_column: i}\ntraining: {algorithms: [TopPop]}\n"
      "output: {path: o.recotem}\n";
  EXPECT_EQ(LoadText(yaml).name, "second");
}

TEST(RecipeLoader, SyntaxErrorIsAParseErrorWithItsLine) {
  std::string yaml = "name: news\nsource: [unclosed\n";
  std::string error = LoadError(yaml);
  EXPECT_THAT(error, HasSubstr("recipe.yaml: "));
  EXPECT_THAT(error, HasSubstr("(line "));
  EXPECT_EQ(LoadErrorCategory(yaml), "parse");
}

TEST(RecipeLoader, StrayCommasWhereADocumentStartsFailInsteadOfHanging) {
  for (const char* yaml : {",", ", b", "# c\n,", "- a\n,", "\"a\"\n,", "a: 1\n...\n,"}) {
    EXPECT_THAT(LoadError(yaml), HasSubstr("recipe.yaml: ")) << yaml;
    EXPECT_EQ(LoadErrorCategory(yaml), "parse") << yaml;
  }
}

TEST(RecipeLoader, MoreThanOneDocumentIsAParseError) {
  std::string one = MinimalRecipeJson().dump();
  EXPECT_THAT(LoadError(one + "\n---\n" + one),
              HasSubstr("expected a single document in the stream"));
  EXPECT_EQ(LoadText("---\n" + one + "\n...\n").name, "news");
}

TEST(RecipeLoader, TopLevelMustBeAMapping) {
  EXPECT_EQ(LoadError("- a\n- b\n"),
            "recipe.yaml: the top level of a recipe must be a mapping (got a list)");
  EXPECT_EQ(LoadErrorCategory(""), "parse");
}

TEST(RecipeLoader, UnknownTopLevelKeyIsRejectedWithASuggestion) {
  auto doc = MinimalRecipeJson();
  doc["trainig"] = nlohmann::ordered_json::object();
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: trainig: unknown field; did you mean "
                                            "'training'?"));
}

TEST(RecipeLoader, UnquotedOnAsAKeyIsExplainedAsABoolean) {
  std::string yaml = "name: news\non: 1\n";
  EXPECT_THAT(LoadError(yaml), HasSubstr("mapping key 'on' is read by YAML 1.1 as a boolean"));
}

TEST(RecipeLoader, SchemaUnderscoreAliasIsAccepted) {
  auto doc = MinimalRecipeJson();
  doc["schema_"] = doc["schema"];
  doc.erase("schema");
  EXPECT_EQ(LoadJson(doc).schema.user_column, "user_id");
  doc["schema"] = doc["schema_"];
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("give only one"));
}

TEST(RecipeLoader, TimeSplitWithoutTimeColumnIsRejected) {
  auto doc = MinimalRecipeJson();
  doc["training"]["split"] = {{"scheme", "time_global"}};
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: schema.time_column: required when training.split.scheme is "
            "'time_global'");
  doc["schema"]["time_column"] = "ts";
  EXPECT_EQ(LoadJson(doc).training.split.scheme, "time_global");
}

TEST(RecipeLoader, PerAlgorithmTrialsKeysMustNameListedAlgorithms) {
  auto doc = MinimalRecipeJson();
  doc["training"]["algorithms"] = {"IALS", "TopPop", "NoSuchAlgo"};
  doc["training"]["per_algorithm_trials"] = {{"ials", 5}, {"TopPopRecommender", 1}};
  EXPECT_TRUE(LoadJson(doc).training.per_algorithm_trials.has_value());
  doc["training"]["per_algorithm_trials"] = {{"IALS", 5}, {"RP3beta", 2}, {"EASE", 1}};
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: training.per_algorithm_trials: 'RP3beta', 'EASE' do not name an "
            "algorithm listed in training.algorithms");
}

TEST(RecipeLoader, UnknownSourceTypeIsASchemaErrorListingKnownTypes) {
  auto doc = MinimalRecipeJson();
  doc["source"]["type"] = "ftp";
  // A plugin registered by another test may follow "sql" in the list.
  EXPECT_THAT(LoadErrorJson(doc),
              HasSubstr("recipe.yaml: source.type: unknown source type 'ftp' (known: bigquery, "
                        "csv, parquet, sql"));
  EXPECT_EQ(LoadErrorCategory(doc.dump()), "schema");
}

TEST(RecipeLoader, SourceFieldsOfAnotherTypeAreRejected) {
  auto doc = MinimalRecipeJson();
  doc["source"] = {{"type", "parquet"}, {"path", "a.parquet"}, {"delimiter", ";"}};
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: source.delimiter: unknown field"));
}

TEST(RecipeLoader, NameIsCheckedBeforePathsAndPathsBeforeFields) {
  auto doc = MinimalRecipeJson();
  doc["name"] = "bad name";
  doc["source"]["path"] = "memory://x.csv";
  doc["training"]["cutoff"] = 0;
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("recipe.yaml: name: "));
  doc["name"] = "ok";
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("source.path: scheme 'memory' is not allowed"));
  EXPECT_EQ(LoadErrorCategory(doc.dump()), "security");
  doc["source"]["path"] = "a.csv";
  EXPECT_THAT(LoadErrorJson(doc), HasSubstr("training.cutoff"));
  EXPECT_EQ(LoadErrorCategory(doc.dump()), "unknown");
}

TEST(RecipeLoader, MissingOrEmptyNameIsASchemaError) {
  auto doc = MinimalRecipeJson();
  doc["name"] = "";
  EXPECT_EQ(LoadErrorJson(doc), "recipe.yaml: name: field required");
  doc.erase("name");
  EXPECT_EQ(LoadErrorCategory(doc.dump()), "schema");
}

TEST(RecipeLoader, HttpSourceNeedsASha256Pin) {
  auto doc = MinimalRecipeJson();
  doc["source"]["path"] = "https://example.com/data.csv";
  EXPECT_EQ(LoadErrorJson(doc),
            "recipe.yaml: source.sha256: required for http(s) paths (pin the file's lower-case "
            "hex SHA-256)");
  doc["source"]["sha256"] = std::string(64, 'a');
  EXPECT_EQ(LoadJson(doc).source.config["sha256"], std::string(64, 'a'));
}

TEST(RecipeLoader, LogsRecipeLoadedWithNameAndPath) {
  testing::LogCapture capture;
  LoadJson(MinimalRecipeJson());
  auto events = capture.Events(events::kRecipeLoaded);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["name"], "news");
  EXPECT_EQ(events[0]["path"], "recipe.yaml");
}

TEST(RecipeLoader, LoadRecipeFileReadsFromDiskAndNamesTheFile) {
  testing::TempDir dir;
  auto path = dir.Write("news.yaml", MinimalRecipeJson().dump());
  EXPECT_EQ(LoadRecipeFile(path).file_path, path.string());
  auto bad = dir.Write("bad.yaml", "name: [\n");
  try {
    LoadRecipeFile(bad);
    FAIL() << "expected RecipeError";
  } catch (const RecipeError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(bad.string() + ": "));
  }
}

TEST(RecipeLoader, MissingFileIsAnIoError) {
  try {
    LoadRecipeFile("/nonexistent/recipe.yaml");
    FAIL() << "expected RecipeError";
  } catch (const RecipeError& e) {
    EXPECT_EQ(RecipeErrorCategoryOf(e), "io");
    EXPECT_THAT(std::string(e.what()), HasSubstr("/nonexistent/recipe.yaml"));
  }
}

TEST(RecipeLoader, InvalidUtf8IsRejected) {
  std::string yaml = MinimalRecipeJson().dump();
  yaml.insert(yaml.find("news"), "\xff");
  EXPECT_THAT(LoadError(yaml), HasSubstr("not valid UTF-8"));
}

TEST(RecipeLoader, NonPrintableCharactersAreRejectedLikePyYaml) {
  EXPECT_EQ(LoadError("name: a\nb: \x01\n"),
            "recipe.yaml: unacceptable character #x0001: special characters are not allowed "
            "(line 2)");
  EXPECT_THAT(LoadError("!u, \x01\x06 s"), HasSubstr("#x0001"));
  EXPECT_THAT(LoadError("name: \xC2\x80"), HasSubstr("#x0080"));
  // Tabs, CR and non-ASCII text are fine.
  auto doc = MinimalRecipeJson();
  doc["schema"]["user_column"] = "utilisateur\u00e9\u4e2d";
  std::string yaml = doc.dump(2);
  for (size_t i = 0; (i = yaml.find('\n', i)) != std::string::npos; i += 2) yaml.insert(i, "\r");
  EXPECT_EQ(LoadText(yaml).schema.user_column, "utilisateur\u00e9\u4e2d");
}

TEST(RecipeLoader, AnchorsAliasesAndMergeKeysWork) {
  std::string yaml = R"(name: news
source: {type: csv, path: a.csv}
defaults: &cols {user_column: u, item_column: i}
schema:
  <<: *cols
  item_column: sku
training: {algorithms: [TopPop]}
output: {path: o.recotem}
)";
  // `defaults` is not a recipe field, so only the merge is exercised below.
  EXPECT_THAT(LoadError(yaml), HasSubstr("defaults: unknown field"));
  std::string merged = R"(name: news
source: {type: csv, path: &p a.csv}
schema:
  <<: [{user_column: first, item_column: i}, {user_column: second}]
  time_column: *p
training: {algorithms: [TopPop]}
output: {path: o.recotem}
)";
  Recipe r = LoadText(merged);
  EXPECT_EQ(r.schema.user_column, "first");  // earlier merge sources win
  EXPECT_EQ(r.schema.item_column, "i");
  EXPECT_EQ(r.schema.time_column, "a.csv");
}

TEST(RecipeLoader, AliasExpansionIsCappedAgainstBillionLaughs) {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'h'; ++c, ++prev) {
    yaml += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
  }
  EXPECT_THAT(LoadError(yaml), HasSubstr("nodes after alias expansion"));
}

TEST(RecipeLoader, YamlDatesInQueryParametersAreRejectedAtLoad) {
  std::string sql =
      "name: s\nsource: {type: sql, dsn_env: RECOTEM_RECIPE_DSN, query: 'SELECT 1',\n"
      "  query_parameters: {since: 2026-04-01}}\nschema: {user_column: u, item_column: i}\n"
      "training: {algorithms: [TopPop]}\noutput: {path: o.recotem}\n";
  EXPECT_THAT(LoadError(sql), HasSubstr("source.query_parameters.since: must be a string, an "
                                        "integer, a number or a boolean (got date 2026-04-01)"));
  std::string bigquery = sql;
  bigquery.replace(bigquery.find("type: sql, dsn_env: RECOTEM_RECIPE_DSN"), 38, "type: bigquery");
  EXPECT_THAT(LoadError(bigquery), HasSubstr("source.query_parameters.since: "));
  bigquery.replace(bigquery.find("2026-04-01"), 10, "'2026-04-01'");
  EXPECT_EQ(LoadText(bigquery).source.config["query_parameters"]["since"], "2026-04-01");
}

TEST(RecipeLoader, ExpandedValuesAreNeverEchoedInErrors) {
  RecipeLoadOptions options;
  options.extra_env["RECOTEM_RECIPE_CUTOFF"] = "s3cr3t-looking-value";
  auto doc = MinimalRecipeJson();
  doc["training"]["cutoff"] = "${RECOTEM_RECIPE_CUTOFF}";
  std::string error = LoadErrorJson(doc, options);
  EXPECT_THAT(error, HasSubstr("training.cutoff: must be an integer >= 1 (got the value of "
                               "${RECOTEM_RECIPE_CUTOFF}, not shown)"));
  EXPECT_THAT(error, Not(HasSubstr("s3cr3t")));
}

TEST(RecipeLoader, ExpandedNumbersAreCoercedLikeLiterals) {
  RecipeLoadOptions options;
  options.extra_env["RECOTEM_RECIPE_CUTOFF"] = "20";
  auto doc = MinimalRecipeJson();
  doc["training"]["cutoff"] = "${RECOTEM_RECIPE_CUTOFF}";
  EXPECT_EQ(LoadJson(doc, options).training.cutoff, 20);
}

}  // namespace
}  // namespace recotem
