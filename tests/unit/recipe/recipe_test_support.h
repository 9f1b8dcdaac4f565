// Fixtures for the recipe unit tests, generated in code: the complete
// example recipe of recipe.md §16, a minimal valid recipe as JSON (JSON is
// YAML, so tests edit it field by field and load the dump), a temporary
// directory, a scoped environment variable and a log capture.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

#include "recotem/core/errors.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/recipe/recipe_loader.h"

namespace recotem::testing {

// recipe.md §16, verbatim.
inline const char* const kExampleRecipe = R"YAML(name: shop_purchases

source:
  type: csv
  path: s3://acme-data/exports/${RECOTEM_RECIPE_EXPORT_DATE}/purchases.csv.gz
  delimiter: ","
  encoding: utf-8
  header: 0
  dtype:
    customer_id: str
    sku: str

schema:
  user_column: customer_id
  item_column: sku
  time_column: purchased_at     # ISO-8601 strings in the CSV
  # time_unit: s                # only if purchased_at were epoch numbers

cleansing:
  drop_null_ids: true
  dedup: keep_last
  min_rows: 5000
  min_users: 200
  min_items: 50

item_metadata:
  type: parquet
  path: s3://acme-data/catalog/items.parquet
  fields: [title, category, price]
  on_field_missing: "null"      # quote it: bare null would be YAML null
  item_id_column: sku

training:
  algorithms: [IALS, CosineKNN, RP3beta, TopPop]
  metric: ndcg
  cutoff: 20
  n_trials: 60
  per_algorithm_trials:
    IALS: 30
    TopPop: 1
  per_trial_timeout_seconds: 900
  timeout_seconds: 7200
  parallelism: 1
  storage_path: ""
  split:
    scheme: time_user
    heldout_ratio: 0.2
    test_user_ratio: 1.0
    seed: 42

output:
  path: /var/lib/recotem/artifacts/shop_purchases.recotem
  versioning: append_sha
)YAML";

// The smallest valid recipe; every other field takes its default.
inline nlohmann::ordered_json MinimalRecipeJson() {
  return nlohmann::ordered_json::parse(R"({
    "name": "news",
    "source": {"type": "csv", "path": "data/news.csv"},
    "schema": {"user_column": "user_id", "item_column": "item_id"},
    "training": {"algorithms": ["TopPop"]},
    "output": {"path": "artifacts/news.recotem"}
  })");
}

inline Recipe LoadText(const std::string& yaml, const RecipeLoadOptions& options = {}) {
  return LoadRecipeFromString(yaml, "recipe.yaml", options);
}

inline Recipe LoadJson(const nlohmann::ordered_json& doc, const RecipeLoadOptions& options = {}) {
  return LoadText(doc.dump(2), options);
}

// The RecipeError message of loading `yaml`, or "" when it loads.
inline std::string LoadError(const std::string& yaml, const RecipeLoadOptions& options = {}) {
  try {
    LoadText(yaml, options);
  } catch (const RecipeError& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::kRecipe);
    return e.what();
  }
  return "";
}

inline std::string LoadErrorJson(const nlohmann::ordered_json& doc,
                                 const RecipeLoadOptions& options = {}) {
  return LoadError(doc.dump(2), options);
}

// The category recorded in the RecipeError of loading `yaml` ("" if none).
inline std::string LoadErrorCategory(const std::string& yaml,
                                     const RecipeLoadOptions& options = {}) {
  try {
    LoadText(yaml, options);
  } catch (const RecipeError& e) {
    return RecipeErrorCategoryOf(e);
  }
  return "";
}

}  // namespace recotem::testing
