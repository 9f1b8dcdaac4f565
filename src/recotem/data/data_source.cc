#include "recotem/data/data_source.h"

#include "recotem/core/errors.h"
#include "recotem/data/csv_source.h"

namespace recotem {

DataSourceRegistry& DataSourceRegistry::Default() {
  static DataSourceRegistry* registry = [] {
    auto* r = new DataSourceRegistry();
    r->Register("csv", [](const nlohmann::ordered_json& config) {
      return std::make_unique<CsvSource>(CsvSourceConfig::FromJson(config));
    });
    return r;
  }();
  return *registry;
}

void DataSourceRegistry::Register(const std::string& type_name, DataSourceFactory factory) {
  factories_.emplace_back(type_name, std::move(factory));
}

std::unique_ptr<DataSource> DataSourceRegistry::Create(const SourceSpec& spec) const {
  for (const auto& [name, factory] : factories_) {
    if (name == spec.type) return factory(spec.config);
  }
  std::string known;
  for (const auto& [name, factory] : factories_) known += (known.empty() ? "" : ", ") + name;
  throw DataSourceError("source type '" + spec.type +
                        "' has no fetcher in this build (available: " + known + ")");
}

std::vector<std::string> DataSourceRegistry::TypeNames() const {
  std::vector<std::string> names;
  for (const auto& entry : factories_) names.push_back(entry.first);
  return names;
}

}  // namespace recotem
