// The `type: csv` source (datasources.md §3): a local path or file:// URI
// read with the RECOTEM_MAX_DOWNLOAD_BYTES cap, optional sha256 pin (a
// mismatch is an HTTP-fetch-class error, exit 7, as in the original),
// decompression by magic bytes, charset conversion, then ParseCsv. Remote
// schemes (http(s), s3, gs, az) arrive with the io layer.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "recotem/data/csv_parser.h"
#include "recotem/data/data_source.h"

namespace recotem {

struct CsvSourceConfig {
  std::string path;
  std::string delimiter = ",";
  std::string encoding = "utf-8";
  int64_t header = 0;
  std::map<std::string, std::string> dtype;
  std::optional<std::string> sha256;

  // From the validated recipe mapping. Throws DataSourceError for a dtype
  // value this build cannot honour.
  static CsvSourceConfig FromJson(const nlohmann::ordered_json& config);
};

class CsvSource final : public DataSource {
 public:
  explicit CsvSource(CsvSourceConfig config);

  InteractionTable Fetch(const FetchContext& context) override;
  void Probe(const std::vector<std::string>& columns) override;

 private:
  // Reads, verifies, decompresses and decodes the file to UTF-8 text.
  std::string ReadText(const FetchContext& context, uint64_t* raw_bytes, bool* verified);
  std::string LocalPath() const;

  CsvSourceConfig config_;
  CsvOptions options_;
};

// RECOTEM_MAX_DOWNLOAD_BYTES with its clamp (datasources.md §2).
uint64_t MaxDownloadBytes();

}  // namespace recotem
