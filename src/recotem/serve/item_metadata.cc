#include "recotem/serve/item_metadata.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "recotem/core/env.h"
#include "recotem/core/events.h"
#include "recotem/core/files.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"
#include "recotem/serve/model_loader.h"

namespace recotem::serve {
namespace {

using Json = nlohmann::ordered_json;

const log::Logger& Logger() {
  static const log::Logger logger("recotem.serving.metadata");
  return logger;
}

bool IsDenied(const std::string& field, const std::vector<std::string>& deny_lower) {
  return std::find(deny_lower.begin(), deny_lower.end(), ToLower(field)) != deny_lower.end();
}

// Column index of every configured field (-1 = missing and null-filled).
std::vector<int> ResolveFields(const std::vector<std::string>& header, const ItemMetadataSpec& spec,
                               const std::string& path) {
  std::vector<int> columns;
  std::vector<std::string> missing;
  for (const std::string& field : spec.fields) {
    auto it = std::find(header.begin(), header.end(), field);
    if (it == header.end()) {
      missing.push_back(field);
      columns.push_back(-1);
    } else {
      columns.push_back(static_cast<int>(it - header.begin()));
    }
  }
  if (!missing.empty() && spec.on_field_missing != kOnFieldMissingNull) {
    std::string list;
    for (const auto& m : missing) {
      list += (list.empty() ? "" : ", ") + m;
    }
    throw MetadataLoadError("metadata file " + path + " lacks configured fields: " + list);
  }
  for (const auto& m : missing) {
    Logger().Warning(events::kMetadataFieldMissingFilledNull, {{"path", path}, {"field", m}});
  }
  return columns;
}

}  // namespace

MetadataIndex::MetadataIndex(std::unordered_map<std::string, Json> rows,
                             std::vector<std::string> fields)
    : rows_(std::move(rows)), fields_(std::move(fields)) {}

const Json* MetadataIndex::Find(std::string_view item_id) const {
  auto it = rows_.find(std::string(item_id));
  return it == rows_.end() ? nullptr : &it->second;
}

std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool row_has_content = false;
  auto end_row = [&] {
    if (row_has_content || !cell.empty() || !row.empty()) {
      row.push_back(std::move(cell));
      rows.push_back(std::move(row));
    }
    row.clear();
    cell.clear();
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      row_has_content = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      row_has_content = true;
    } else if (c == '\n') {
      end_row();
    } else if (c != '\r') {
      cell.push_back(c);
    }
  }
  if (quoted) {
    throw MetadataLoadError("unterminated quoted field");
  }
  end_row();
  return rows;
}

std::shared_ptr<const MetadataIndex> BuildMetadataIndex(
    const std::vector<std::vector<std::string>>& rows, const ItemMetadataSpec& spec,
    const std::vector<std::string>& deny_lower, const std::string& path) {
  if (rows.empty()) {
    throw MetadataLoadError("metadata file " + path + " is empty (no header row)");
  }
  const std::vector<std::string>& header = rows.front();
  auto id_it = std::find(header.begin(), header.end(), spec.item_id_column);
  if (id_it == header.end()) {
    throw MetadataLoadError("metadata file " + path + " has no item_id_column '" +
                            spec.item_id_column + "'");
  }
  const size_t id_column = static_cast<size_t>(id_it - header.begin());
  std::vector<int> columns = ResolveFields(header, spec, path);
  std::vector<std::string> exposed;
  std::vector<int> exposed_columns;
  for (size_t f = 0; f < spec.fields.size(); ++f) {
    if (!IsDenied(spec.fields[f], deny_lower)) {
      exposed.push_back(spec.fields[f]);
      exposed_columns.push_back(columns[f]);
    }
  }
  std::unordered_map<std::string, Json> index;
  size_t null_ids = 0;
  size_t duplicates = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    if (row.size() > header.size()) {
      throw MetadataLoadError("metadata file " + path + " row " + std::to_string(r + 1) + " has " +
                              std::to_string(row.size()) + " cells; the header has " +
                              std::to_string(header.size()));
    }
    if (id_column >= row.size() || Trim(row[id_column]).empty()) {
      ++null_ids;
      continue;
    }
    Json values = Json::object();
    for (size_t f = 0; f < exposed.size(); ++f) {
      int c = exposed_columns[f];
      bool present = c >= 0 && static_cast<size_t>(c) < row.size();
      values[exposed[f]] = present ? Json(row[static_cast<size_t>(c)]) : Json(nullptr);
    }
    if (!index.emplace(row[id_column], std::move(values)).second) {
      ++duplicates;
    }
  }
  if (null_ids > 0) {
    Logger().Warning(events::kMetadataNullItemIdsDropped,
                     {{"path", path}, {"drop_count", null_ids}});
  }
  if (duplicates > 0) {
    Logger().Warning(events::kMetadataDuplicateItemIdsDropped,
                     {{"path", path}, {"drop_count", duplicates}});
  }
  log::Fields deny = log::Fields::array();
  for (const auto& d : deny_lower) {
    deny.push_back(d);
  }
  Logger().Debug(events::kMetadataIndexBuilt, {{"n_items", index.size()}, {"deny_fields", deny}});
  return std::make_shared<const MetadataIndex>(std::move(index), std::move(exposed));
}

std::shared_ptr<const MetadataIndex> LoadItemMetadata(const ItemMetadataSpec& spec,
                                                      const std::vector<std::string>& deny_lower) {
  if (spec.type != "csv") {
    throw MetadataLoadError("item_metadata type '" + spec.type +
                            "' is not supported by serve in this build (csv only)");
  }
  std::optional<std::string> local = LocalArtifactPath(spec.path);
  if (!local) {
    throw MetadataLoadError("item_metadata path '" + spec.path +
                            "': only local paths and file:// URIs are supported by serve");
  }
  const int64_t cap = env::ReadClampedInt({"RECOTEM_MAX_DOWNLOAD_BYTES", kDefaultMaxDownloadBytes,
                                           kMinMaxDownloadBytes, kMaxMaxDownloadBytes});
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadFileCapped(*local, static_cast<uint64_t>(cap));
  } catch (const std::system_error& e) {
    throw MetadataLoadError("cannot read metadata file " + *local + ": " + e.code().message());
  }
  if (bytes.size() > static_cast<uint64_t>(cap)) {
    throw MetadataLoadError("metadata file " + *local + " exceeds RECOTEM_MAX_DOWNLOAD_BYTES (" +
                            std::to_string(cap) + ")");
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::vector<std::vector<std::string>> rows;
  try {
    rows = ParseCsv(text);
  } catch (const MetadataLoadError& e) {
    throw MetadataLoadError("metadata file " + *local + ": " + e.what());
  }
  auto index = BuildMetadataIndex(rows, spec, deny_lower, *local);
  log::Fields fields = log::Fields::array();
  for (const auto& f : index->fields()) {
    fields.push_back(f);
  }
  Logger().Info(events::kMetadataLoaded, {{"path", *local},
                                          {"n_items", index->size()},
                                          {"fields", fields},
                                          {"item_id_column", spec.item_id_column}});
  return index;
}

}  // namespace recotem::serve
