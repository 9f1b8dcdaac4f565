// Item metadata for the response join (serving.md §6): a recipe's
// `item_metadata` CSV is read when its artifact loads, reduced to the
// configured `fields` allow-list minus RECOTEM_METADATA_FIELD_DENY, and
// indexed by item id. The index is bound to the registry entry it was
// loaded with, so a hot swap replaces model and metadata together.
//
// Serve never links the data layer, so the CSV is read by the small
// RFC 4180 reader here (quoted fields, doubled quotes, embedded newlines,
// CRLF, a UTF-8 BOM). Values are strings; empty cells stay "" and cells a
// short row lacks are null. Only local paths and file:// URIs are read;
// http(s) sources and parquet fail the load with a clear message.
//
// Thread-safety: a built MetadataIndex is immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/recipe/recipe.h"

namespace recotem::serve {

inline constexpr const char* kOnFieldMissingNull = "null";
inline constexpr int64_t kDefaultMaxDownloadBytes = 268435456;
inline constexpr int64_t kMinMaxDownloadBytes = 1048576;
inline constexpr int64_t kMaxMaxDownloadBytes = 17179869184;

// A metadata file could not be turned into an index; the message names the
// file and the problem (never a cell value).
class MetadataLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MetadataIndex {
 public:
  MetadataIndex(std::unordered_map<std::string, nlohmann::ordered_json> rows,
                std::vector<std::string> fields);
  // The {field: value} object of `item_id` (fields in configured order), or
  // nullptr when the file had no row for it.
  const nlohmann::ordered_json* Find(std::string_view item_id) const;
  size_t size() const { return rows_.size(); }
  // The exposed fields: the allow-list minus denied ones, in order.
  const std::vector<std::string>& fields() const { return fields_; }

 private:
  std::unordered_map<std::string, nlohmann::ordered_json> rows_;
  std::vector<std::string> fields_;
};

// Parses CSV text into rows of cells (the first row is the header). Throws
// MetadataLoadError on an unterminated quoted field.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text);

// Builds the index from parsed CSV rows (§6.1 steps 3–7). `deny_lower` is
// the lower-cased deny list; `path` is for messages and events.
std::shared_ptr<const MetadataIndex> BuildMetadataIndex(
    const std::vector<std::vector<std::string>>& rows, const ItemMetadataSpec& spec,
    const std::vector<std::string>& deny_lower, const std::string& path);

// Reads spec.path (capped at RECOTEM_MAX_DOWNLOAD_BYTES) and builds the
// index. Throws MetadataLoadError.
std::shared_ptr<const MetadataIndex> LoadItemMetadata(const ItemMetadataSpec& spec,
                                                      const std::vector<std::string>& deny_lower);

}  // namespace recotem::serve
