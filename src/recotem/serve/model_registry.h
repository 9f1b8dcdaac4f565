// ModelRegistry: recipe name → RegistryEntry (serving.md §7), read by every
// request and written by start-up loading and, later, the watcher.
//
// Publication is copy-on-write: the whole table is an immutable snapshot
// held in std::atomic<std::shared_ptr<const Table>>. Readers take one atomic
// load and never wait for a writer; writers (rare: loads, swaps, errors)
// serialise on a mutex, copy the small table of shared_ptrs, change one
// entry and publish the new snapshot. Entries are immutable, so a request
// holding an entry keeps a consistent {model, header, kid, error} even while
// a swap replaces it. Expensive work (reading, verifying, decoding an
// artifact) happens before Replace() and never under the writer lock.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/serve/item_metadata.h"
#include "recotem/serve/serving_model.h"

namespace recotem::serve {

// What the watcher compares to decide whether an artifact changed: the stat
// marker ("mtime:size" or an object-store ETag) and the artifact SHA-256.
struct LoadMarker {
  std::string stat_marker;
  std::string sha256_hex;
};

struct RegistryEntry {
  std::string name;
  std::shared_ptr<const ServingModel> model;                         // null for a stub
  nlohmann::ordered_json header = nlohmann::ordered_json::object();  // {} for a stub
  std::string kid;                                                   // "" for a stub
  std::optional<std::string> last_load_error;
  std::string artifact_path;  // the recipe's output.path ("" for a YAML stub)
  bool loaded = false;
  std::optional<LoadMarker> marker;
  std::shared_ptr<const MetadataIndex> metadata;  // null: the recipe has no item_metadata
  double loaded_at_unix = 0.0;                    // last successful (re)load; 0 for stubs

  // Loaded, has a model and no error: counts towards /health `loaded`.
  bool healthy() const { return loaded && model && !last_load_error; }

  // "sha256:<hex>" of the artifact bytes ("sha256:" for a stub).
  std::string model_version() const { return "sha256:" + (marker ? marker->sha256_hex : ""); }

  // A loaded entry for `model` (and its metadata), stamped with the current time.
  static RegistryEntry Loaded(std::string name, std::shared_ptr<const ServingModel> model,
                              std::string artifact_path,
                              std::shared_ptr<const MetadataIndex> metadata = nullptr);
  // A start-up stub (loaded=false, error set) or, with no error, a discovery stub.
  static RegistryEntry Stub(std::string name, std::string artifact_path,
                            std::optional<std::string> error);
};

class ModelRegistry {
 public:
  using EntryPtr = std::shared_ptr<const RegistryEntry>;

  ModelRegistry();
  ModelRegistry(const ModelRegistry&) = delete;
  ModelRegistry& operator=(const ModelRegistry&) = delete;

  // The entry named `name`, or null. Lock-free for the caller's purposes:
  // one atomic snapshot load, then a hash lookup.
  EntryPtr Find(std::string_view name) const;
  // Every entry in registry order (first insertion order).
  std::vector<EntryPtr> Snapshot() const;
  size_t size() const;

  // Inserts `entry`, or replaces the entry of the same name in place
  // (keeping its position). The entry and its marker change together.
  void Replace(RegistryEntry entry);
  // Removes `name`; returns false when there was no such entry.
  bool Remove(std::string_view name);
  // Sets (or with nullopt clears) `last_load_error` of `name` without
  // touching `loaded` or the model; returns false when there is no entry.
  bool SetLoadError(std::string_view name, std::optional<std::string> error);

 private:
  struct Table;
  std::shared_ptr<const Table> Load() const;

  std::mutex write_mu_;
  std::atomic<std::shared_ptr<const Table>> table_;
};

}  // namespace recotem::serve
