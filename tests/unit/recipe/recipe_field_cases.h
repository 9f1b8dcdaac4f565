// The field table shared by recipe_fields_test.cc (the loader) and
// recipe_schema_test.cc (the emitted JSON Schema): for every field of
// recipe.md's tables, valid values, invalid values by class, and the default
// (nullopt when required). Invalid classes "policy" and "cross-field" are
// rules the loader enforces beyond what a JSON Schema can express.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "recipe_test_support.h"
#include "recotem/recipe/recipe_builder.h"

namespace recotem::testing {

using Json = nlohmann::ordered_json;

enum class Base { kCsv, kParquet, kBigQuery, kSql, kWithMetadata, kWithTimeColumn };

struct FieldCase {
  const char* pointer;  // where the field lives, e.g. "/training/cutoff"
  Base base;
  std::vector<Json> valid;
  std::vector<std::pair<const char*, Json>> invalid;  // (class, value)
  std::optional<Json> default_value;                  // nullopt: the field is required
};

inline Json BaseRecipe(Base base) {
  Json doc = MinimalRecipeJson();
  switch (base) {
    case Base::kCsv:
      break;
    case Base::kParquet:
      doc["source"] = {{"type", "parquet"}, {"path", "data/news.parquet"}};
      break;
    case Base::kBigQuery:
      doc["source"] = {{"type", "bigquery"}, {"query", "SELECT u, i FROM t"}};
      break;
    case Base::kSql:
      doc["source"] = {
          {"type", "sql"}, {"dsn_env", "RECOTEM_RECIPE_DSN"}, {"query", "SELECT u, i FROM t"}};
      break;
    case Base::kWithMetadata:
      doc["item_metadata"] = {{"type", "csv"}, {"path", "items.csv"}, {"fields", {"title"}}};
      break;
    case Base::kWithTimeColumn:
      doc["schema"]["time_column"] = "ts";
      break;
  }
  return doc;
}

// "/training/split/seed" → "training.split.seed".
inline std::string Dotted(const std::string& pointer) {
  if (pointer.empty()) return "";
  std::string out = pointer.substr(1);
  for (char& c : out) {
    if (c == '/') c = '.';
  }
  return out;
}

// The loaded value of the field, from the typed recipe.
inline Json LoadedValue(const Recipe& r, const std::string& pointer) {
  Json all = RecipeToJson(r);
  std::string p = pointer;
  if (p.rfind("/schema/", 0) == 0) p = "/schema_/" + p.substr(8);
  return all.at(Json::json_pointer(p));
}

inline std::vector<FieldCase> AllFields() {
  const Json kHex = std::string(64, 'a');
  return {
      // §3 name
      {"/name",
       Base::kCsv,
       {"news", "a-b_C9", std::string(64, 'x')},
       {{"type", 12},
        {"type", true},
        {"pattern", "bad name"},
        {"pattern", std::string(65, 'x')},
        {"pattern", "caf\u00e9"}},
       std::nullopt},
      // §4.1 csv
      {"/source/type", Base::kCsv, {"csv"}, {{"type", 5}, {"policy", "ftp"}}, std::nullopt},
      {"/source/path",
       Base::kCsv,
       {"a.csv", "file:///tmp/a.csv", "s3://bucket/key.csv", "gs://p@b/k.csv", "az://c/k.csv",
        "abfss://container/k.csv"},
       {{"type", 5},
        {"type", Json::array({"a"})},
        {"policy", "memory://x.csv"},
        {"policy", "simplecache::s3://b/k.csv"},
        {"policy", "s3://key:secret@b/k.csv"},
        {"policy", "C:/data/x.csv"}},
       std::nullopt},
      {"/source/delimiter",
       Base::kCsv,
       {";", "\t", "\\s+"},
       {{"type", 5}, {"range", ""}},
       Json(",")},
      {"/source/encoding",
       Base::kCsv,
       {"cp932", "utf-8-sig"},
       {{"type", 8}, {"range", ""}},
       Json("utf-8")},
      {"/source/header",
       Base::kCsv,
       {2, "3", true},
       {{"type", "abc"}, {"type", 1.5}, {"range", -1}},
       Json(0)},
      {"/source/dtype",
       Base::kCsv,
       {Json{{"customer_id", "str"}}, nullptr},
       {{"type", "str"}, {"type", Json{{"a", 5}}}},
       Json(nullptr)},
      {"/source/sha256",
       Base::kCsv,
       {kHex, nullptr},
       {{"type", 5}, {"pattern", std::string(64, 'A')}, {"pattern", std::string(63, 'a')}},
       Json(nullptr)},
      // §4.2 parquet
      {"/source/path",
       Base::kParquet,
       {"a.parquet", "s3://b/a.parquet"},
       {{"type", 5}, {"policy", "ftp://h/a.parquet"}},
       std::nullopt},
      {"/source/sha256", Base::kParquet, {kHex}, {{"pattern", "xyz"}}, Json(nullptr)},
      // §4.3 bigquery
      {"/source/query", Base::kBigQuery, {"SELECT 1"}, {{"type", 5}}, std::nullopt},
      {"/source/query_parameters",
       Base::kBigQuery,
       {Json{{"a", 1}, {"b", "x"}, {"c", true}, {"d", 1.5}}, nullptr},
       {{"type", "x"}, {"type", Json{{"a", Json::array({1})}}}, {"type", Json{{"a", nullptr}}}},
       Json(nullptr)},
      {"/source/project", Base::kBigQuery, {"my-project", nullptr}, {{"type", 5}}, Json(nullptr)},
      // §4.4 sql
      {"/source/type", Base::kSql, {"sql"}, {{"type", false}}, std::nullopt},
      {"/source/dsn_env",
       Base::kSql,
       {"RECOTEM_RECIPE_DSN", "RECOTEM_RECIPE_PG_2"},
       {{"type", 5}, {"pattern", "DATABASE_URL"}, {"pattern", "recotem_recipe_dsn"}, {"range", ""}},
       std::nullopt},
      {"/source/query", Base::kSql, {"SELECT 1"}, {{"type", 5}, {"range", ""}}, std::nullopt},
      {"/source/query_parameters",
       Base::kSql,
       {Json{{"a", 1}, {"b", "x"}, {"c", false}}},
       {{"type", "x"}, {"type", Json{{"a", nullptr}}}, {"type", Json{{"a", Json::object()}}}},
       Json::object()},
      {"/source/connect_timeout_seconds",
       Base::kSql,
       {1, 60, "30"},
       {{"type", "x"}, {"range", 0}, {"range", 61}},
       Json(10)},
      {"/source/statement_timeout_seconds",
       Base::kSql,
       {1, 1800},
       {{"type", "x"}, {"range", 0}, {"range", 1801}},
       Json(300)},
      // §5 schema
      {"/schema/user_column",
       Base::kCsv,
       {"customer_id"},
       {{"type", 5}, {"type", nullptr}},
       std::nullopt},
      {"/schema/item_column", Base::kCsv, {"sku"}, {{"type", 5}, {"type", false}}, std::nullopt},
      {"/schema/time_column", Base::kCsv, {"ts", nullptr}, {{"type", 5}}, Json(nullptr)},
      {"/schema/time_unit",
       Base::kCsv,
       {"s", "ms", "us", "ns", nullptr},
       {{"type", 5}, {"pattern", "sec"}, {"pattern", "S"}},
       Json(nullptr)},
      // §7 cleansing
      {"/cleansing/drop_null_ids",
       Base::kCsv,
       {true, false, "yes", 0},
       {{"type", "maybe"}, {"type", 2}},
       Json(true)},
      {"/cleansing/dedup",
       Base::kCsv,
       {"keep_first", "keep_last", "none"},
       {{"type", 5}, {"pattern", "first"}},
       Json("keep_last")},
      {"/cleansing/min_rows",
       Base::kCsv,
       {0, 100, nullptr},
       {{"type", "x"}, {"type", 1.5}, {"range", -1}},
       Json(nullptr)},
      {"/cleansing/min_users", Base::kCsv, {0, 7}, {{"type", "x"}, {"range", -1}}, Json(nullptr)},
      {"/cleansing/min_items", Base::kCsv, {0, 7}, {{"type", "x"}, {"range", -5}}, Json(nullptr)},
      // §8 item_metadata
      {"/item_metadata/type",
       Base::kWithMetadata,
       {"csv", "parquet"},
       {{"type", 5}, {"pattern", "json"}},
       std::nullopt},
      {"/item_metadata/path",
       Base::kWithMetadata,
       {"items.csv", "s3://b/items.csv"},
       {{"type", 5}, {"policy", "memory://items.csv"}},
       std::nullopt},
      {"/item_metadata/sha256",
       Base::kWithMetadata,
       {kHex, nullptr},
       {{"pattern", "abc"}},
       Json(nullptr)},
      {"/item_metadata/fields",
       Base::kWithMetadata,
       {Json::array({"title", "price"})},
       {{"type", "title"}, {"type", Json::array({5})}, {"range", Json::array()}},
       std::nullopt},
      {"/item_metadata/on_field_missing",
       Base::kWithMetadata,
       {"error", "null"},
       {{"type", nullptr}, {"pattern", "skip"}},
       Json("error")},
      {"/item_metadata/item_id_column",
       Base::kWithMetadata,
       {"sku"},
       {{"type", 5}, {"pattern", ""}, {"pattern", "   "}},
       Json("item_id")},
      // §9 training
      {"/training/algorithms",
       Base::kCsv,
       {Json::array({"IALS"}), Json::array({"ials", "NotYetKnown"})},
       {{"type", "IALS"}, {"type", Json::array({5})}, {"range", Json::array()}},
       std::nullopt},
      {"/training/metric",
       Base::kCsv,
       {"ndcg", "map", "recall", "hit"},
       {{"type", 5}, {"pattern", "NDCG"}, {"pattern", "precision"}},
       Json("ndcg")},
      {"/training/cutoff",
       Base::kCsv,
       {1, 100, "7"},
       {{"type", "x"}, {"type", 2.5}, {"range", 0}},
       Json(20)},
      {"/training/n_trials",
       Base::kCsv,
       {1, 500},
       {{"type", "x"}, {"range", 0}, {"range", -3}},
       Json(40)},
      {"/training/per_algorithm_trials",
       Base::kCsv,
       {Json{{"TopPop", 3}}, Json{{"toppoprecommender", -2}}, nullptr},
       {{"type", "x"}, {"type", Json{{"TopPop", "many"}}}, {"cross-field", Json{{"IALS", 3}}}},
       Json(nullptr)},
      {"/training/per_trial_timeout_seconds",
       Base::kCsv,
       {1, 900, nullptr},
       {{"type", "x"}, {"range", 0}},
       Json(nullptr)},
      {"/training/timeout_seconds",
       Base::kCsv,
       {1, 7200, nullptr},
       {{"type", "x"}, {"range", 0}},
       Json(nullptr)},
      {"/training/parallelism", Base::kCsv, {1, 4}, {{"type", nullptr}, {"range", 0}}, Json(1)},
      {"/training/storage_path",
       Base::kCsv,
       {"", "sqlite:///tmp/s.db", "study.db"},
       {{"type", 5}, {"type", nullptr}},
       Json("")},
      {"/training/split/scheme",
       Base::kWithTimeColumn,
       {"random", "time_global", "time_user"},
       {{"type", 5}, {"pattern", "Random"}},
       Json("random")},
      {"/training/split/heldout_ratio",
       Base::kCsv,
       {0.5, 0.001, "0.3"},
       {{"type", "x"}, {"range", 0}, {"range", 1}, {"range", 1.5}},
       Json(0.1)},
      {"/training/split/test_user_ratio",
       Base::kCsv,
       {1.0, 0.01},
       {{"type", "x"}, {"range", 0}, {"range", 1.01}},
       Json(1.0)},
      {"/training/split/seed", Base::kCsv, {-5, 0, "9"}, {{"type", "x"}, {"type", 1.5}}, Json(42)},
      // §10 output
      {"/output/path",
       Base::kCsv,
       {"out/a.recotem", "s3://b/a.recotem", "file:///tmp/a.recotem", "file://localhost/tmp/a"},
       {{"type", 5}, {"policy", "https://h/a.recotem"}, {"policy", "file://host/a.recotem"}},
       std::nullopt},
      {"/output/versioning",
       Base::kCsv,
       {"append_sha", "always_overwrite"},
       {{"type", 5}, {"pattern", "sha"}},
       Json("append_sha")},
  };
}

}  // namespace recotem::testing
