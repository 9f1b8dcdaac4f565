#include "recotem/serve/model_registry.h"

#include <chrono>
#include <unordered_map>

namespace recotem::serve {

struct ModelRegistry::Table {
  std::vector<EntryPtr> entries;  // registry order
  std::unordered_map<std::string, size_t> index;

  const EntryPtr* Find(std::string_view name) const {
    auto it = index.find(std::string(name));
    return it == index.end() ? nullptr : &entries[it->second];
  }
};

RegistryEntry RegistryEntry::Loaded(std::string name, std::shared_ptr<const ServingModel> model,
                                    std::string artifact_path,
                                    std::shared_ptr<const MetadataIndex> metadata) {
  RegistryEntry entry;
  entry.name = std::move(name);
  entry.header = model->header();
  entry.kid = model->kid();
  entry.marker = LoadMarker{"", model->sha256_hex()};
  entry.model = std::move(model);
  entry.artifact_path = std::move(artifact_path);
  entry.loaded = true;
  entry.metadata = std::move(metadata);
  std::chrono::duration<double> since_epoch = std::chrono::system_clock::now().time_since_epoch();
  entry.loaded_at_unix = since_epoch.count();
  return entry;
}

RegistryEntry RegistryEntry::Stub(std::string name, std::string artifact_path,
                                  std::optional<std::string> error) {
  RegistryEntry entry;
  entry.name = std::move(name);
  entry.artifact_path = std::move(artifact_path);
  entry.last_load_error = std::move(error);
  return entry;
}

ModelRegistry::ModelRegistry() : table_(std::make_shared<const Table>()) {}

std::shared_ptr<const ModelRegistry::Table> ModelRegistry::Load() const {
  return table_.load(std::memory_order_acquire);
}

ModelRegistry::EntryPtr ModelRegistry::Find(std::string_view name) const {
  std::shared_ptr<const Table> table = Load();
  const EntryPtr* entry = table->Find(name);
  return entry == nullptr ? nullptr : *entry;
}

std::vector<ModelRegistry::EntryPtr> ModelRegistry::Snapshot() const { return Load()->entries; }

size_t ModelRegistry::size() const { return Load()->entries.size(); }

void ModelRegistry::Replace(RegistryEntry entry) {
  auto fresh = std::make_shared<const RegistryEntry>(std::move(entry));
  std::lock_guard<std::mutex> lock(write_mu_);
  auto next = std::make_shared<Table>(*Load());
  auto it = next->index.find(fresh->name);
  if (it != next->index.end()) {
    next->entries[it->second] = std::move(fresh);
  } else {
    next->index.emplace(fresh->name, next->entries.size());
    next->entries.push_back(std::move(fresh));
  }
  table_.store(std::move(next), std::memory_order_release);
}

bool ModelRegistry::Remove(std::string_view name) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::shared_ptr<const Table> current = Load();
  if (current->Find(name) == nullptr) {
    return false;
  }
  auto next = std::make_shared<Table>();
  for (const EntryPtr& e : current->entries) {
    if (e->name == name) {
      continue;
    }
    next->index.emplace(e->name, next->entries.size());
    next->entries.push_back(e);
  }
  table_.store(std::move(next), std::memory_order_release);
  return true;
}

bool ModelRegistry::SetLoadError(std::string_view name, std::optional<std::string> error) {
  std::lock_guard<std::mutex> lock(write_mu_);
  std::shared_ptr<const Table> current = Load();
  const EntryPtr* existing = current->Find(name);
  if (existing == nullptr) {
    return false;
  }
  auto updated = std::make_shared<RegistryEntry>(**existing);
  updated->last_load_error = std::move(error);
  auto next = std::make_shared<Table>(*current);
  next->entries[next->index.at(std::string(name))] = std::move(updated);
  table_.store(std::move(next), std::memory_order_release);
  return true;
}

}  // namespace recotem::serve
