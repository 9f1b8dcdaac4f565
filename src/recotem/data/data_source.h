// DataSource: the plugin contract of datasources.md §1 — a named source type
// whose validated recipe config builds an object that fetches the whole
// interaction table, and optionally probes connectivity for `validate`.
// DataSourceRegistry maps `source.type` to factories; built-ins register
// themselves in DataSourceRegistry::Default().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/data/interaction_table.h"
#include "recotem/recipe/recipe.h"

namespace recotem {

struct FetchContext {
  std::string recipe_name;
  std::string run_id;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  // Returns the whole table. Throws DataSourceError (exit 3) or
  // HttpFetchError (exit 7) on failure.
  virtual InteractionTable Fetch(const FetchContext& context) = 0;
  // A cheap check for `recotem validate`; `columns` are the recipe's
  // user/item(/time) columns, which must exist. Throws DataSourceError.
  virtual void Probe(const std::vector<std::string>& columns) = 0;
};

using DataSourceFactory =
    std::function<std::unique_ptr<DataSource>(const nlohmann::ordered_json& config)>;

class DataSourceRegistry {
 public:
  static DataSourceRegistry& Default();

  void Register(const std::string& type_name, DataSourceFactory factory);
  // Builds the source for a recipe's source block. Throws DataSourceError
  // for an unknown type (the recipe loader rejects those earlier).
  std::unique_ptr<DataSource> Create(const SourceSpec& spec) const;
  std::vector<std::string> TypeNames() const;

 private:
  std::vector<std::pair<std::string, DataSourceFactory>> factories_;
};

}  // namespace recotem
