#include "recotem/data/csv_source.h"

#include <sys/stat.h>

#include <system_error>

#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/files.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/redaction.h"
#include "recotem/core/strings.h"
#include "recotem/data/byte_decoding.h"

namespace recotem {
namespace {

constexpr env::ClampedInt kMaxDownloadBytes{"RECOTEM_MAX_DOWNLOAD_BYTES", 268435456LL, 1048576LL,
                                            17179869184LL};

const log::Logger& Logger() {
  static const log::Logger logger("recotem.datasources.csv");
  return logger;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      auto hex = HexDecode(s.substr(i + 1, 2));
      if (hex && hex->size() == 1) {
        out.push_back(static_cast<char>((*hex)[0]));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

ColumnKind KindForDtype(const std::string& column, const std::string& dtype) {
  std::string d = ToLower(Trim(dtype));
  if (d == "str" || d == "string" || d == "object") return ColumnKind::kString;
  if (d == "int" || d == "int64" || d == "int32") return ColumnKind::kInt;
  if (d == "float" || d == "float64" || d == "float32") return ColumnKind::kFloat;
  if (d == "bool" || d == "boolean") return ColumnKind::kBool;
  throw DataSourceError("source.dtype: column '" + column + "' has unsupported dtype '" + dtype +
                        "' (supported: str, int64, float64, bool)");
}

}  // namespace

uint64_t MaxDownloadBytes() {
  return static_cast<uint64_t>(env::ReadClampedInt(kMaxDownloadBytes));
}

CsvSourceConfig CsvSourceConfig::FromJson(const nlohmann::ordered_json& config) {
  CsvSourceConfig c;
  c.path = config.at("path").get<std::string>();
  if (config.contains("delimiter") && config["delimiter"].is_string()) {
    c.delimiter = config["delimiter"].get<std::string>();
  }
  if (config.contains("encoding") && config["encoding"].is_string()) {
    c.encoding = config["encoding"].get<std::string>();
  }
  if (config.contains("header") && config["header"].is_number_integer()) {
    c.header = config["header"].get<int64_t>();
  }
  if (config.contains("dtype") && config["dtype"].is_object()) {
    for (auto it = config["dtype"].begin(); it != config["dtype"].end(); ++it) {
      c.dtype[it.key()] =
          it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    }
  }
  if (config.contains("sha256") && config["sha256"].is_string()) {
    c.sha256 = config["sha256"].get<std::string>();
  }
  return c;
}

CsvSource::CsvSource(CsvSourceConfig config) : config_(std::move(config)) {
  options_.delimiter = config_.delimiter;
  options_.header = config_.header;
  for (const auto& [column, dtype] : config_.dtype) {
    options_.forced_kinds[column] = KindForDtype(column, dtype);
  }
}

std::string CsvSource::LocalPath() const {
  const std::string& p = config_.path;
  if (p.rfind("file://", 0) == 0) {
    std::string rest = p.substr(7);
    size_t slash = rest.find('/');  // host part ignored
    return PercentDecode(slash == std::string::npos ? "" : rest.substr(slash));
  }
  if (p.find("://") != std::string::npos) {
    throw DataSourceError("CSV source path scheme of '" + log::ScrubString(p) +
                          "' is not supported by this build yet (local paths and file:// only)");
  }
  return p;
}

std::string CsvSource::ReadText(const FetchContext& context, uint64_t* raw_bytes, bool* verified) {
  std::string path = LocalPath();
  uint64_t cap = MaxDownloadBytes();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) > cap) {
    throw DataSourceError("CSV file '" + path + "' is " + std::to_string(st.st_size) +
                          " bytes which exceeds the " + std::to_string(cap) +
                          "-byte cap set by RECOTEM_MAX_DOWNLOAD_BYTES");
  }
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadFileCapped(path, cap);
  } catch (const std::system_error& e) {
    if (e.code().value() == ENOENT) throw DataSourceError("CSV file not found: " + path);
    if (e.code().value() == EACCES) {
      throw DataSourceError("Permission denied reading CSV file: " + path);
    }
    throw DataSourceError("Failed to read CSV from '" + path + "': " + e.code().message());
  }
  if (bytes.size() > cap) {
    Logger().Warning(events::kCsvSourceSizeExceeded, {{"path", path},
                                                      {"bytes_read", bytes.size()},
                                                      {"cap", cap},
                                                      {"recipe", context.recipe_name},
                                                      {"run_id", context.run_id}});
    throw DataSourceError("CSV file '" + path + "' exceeds RECOTEM_MAX_DOWNLOAD_BYTES (" +
                          std::to_string(cap) + ")");
  }
  *raw_bytes = bytes.size();
  *verified = false;
  if (config_.sha256) {
    std::string actual = Sha256Hex(bytes);
    if (actual != *config_.sha256) {
      DataSourceError error("sha256 mismatch for CSV file '" + path + "': expected " +
                            *config_.sha256 + ", got " + actual);
      error.set_caused_by_http_fetch(true);
      throw error;
    }
    *verified = true;
  }
  try {
    std::string compression;
    std::vector<uint8_t> plain = DecompressByMagic(std::move(bytes), &compression);
    return DecodeToUtf8(std::move(plain), config_.encoding);
  } catch (const std::runtime_error& e) {
    throw DataSourceError("Failed to parse CSV from '" + path + "': " + e.what());
  }
}

InteractionTable CsvSource::Fetch(const FetchContext& context) {
  std::string path = LocalPath();
  Logger().Info(events::kCsvSourceFetchStart, {{"recipe", context.recipe_name},
                                               {"run_id", context.run_id},
                                               {"path", path},
                                               {"scheme", "local"}});
  uint64_t raw_bytes = 0;
  bool verified = false;
  std::string text = ReadText(context, &raw_bytes, &verified);
  InteractionTable table;
  try {
    table = ParseCsv(text, options_);
  } catch (const std::runtime_error& e) {
    throw DataSourceError("Failed to parse CSV from '" + path + "': " + e.what());
  }
  if (table.n_rows() == 0) {
    throw DataSourceError("CSV file '" + path + "' is empty (no data rows after header).");
  }
  Logger().Info(events::kCsvSourceFetchDone, {{"recipe", context.recipe_name},
                                              {"run_id", context.run_id},
                                              {"path", path},
                                              {"rows", table.n_rows()},
                                              {"bytes", raw_bytes},
                                              {"sha256_verified", verified},
                                              {"columns", table.ColumnNames()}});
  return table;
}

void CsvSource::Probe(const std::vector<std::string>& columns) {
  InteractionTable table = Fetch(FetchContext{"", ""});
  for (const std::string& column : columns) {
    if (table.Find(column) == nullptr) {
      throw DataSourceError("column '" + column + "' not found in CSV '" + LocalPath() +
                            "' (columns: " + nlohmann::json(table.ColumnNames()).dump() + ")");
    }
  }
}

}  // namespace recotem
