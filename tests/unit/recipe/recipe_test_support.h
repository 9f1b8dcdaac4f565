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

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "recotem-recipe-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    char* made = mkdtemp(buf.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path Write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      setenv(name_.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

class LogCapture {
 public:
  LogCapture() {
    log::Configure(log::Format::kJson);
    log::SetSinkForTesting([this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    });
  }
  ~LogCapture() { log::SetSinkForTesting(nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<nlohmann::json> Events(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<nlohmann::json> out;
    for (const auto& line : lines_) {
      auto j = nlohmann::json::parse(line);
      if (j.value("event", "") == event) out.push_back(j);
    }
    return out;
  }
  std::string All() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string all;
    for (const auto& line : lines_) all += line + "\n";
    return all;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace recotem::testing
