#include "recotem/recipe/local_file_probe.h"

#include <iconv.h>

#include <cerrno>
#include <filesystem>
#include <regex>
#include <system_error>

#include "recotem/core/errors.h"
#include "recotem/core/files.h"
#include "recotem/core/strings.h"
#include "recotem/recipe/path_policy.h"

namespace recotem {
namespace {

namespace fs = std::filesystem;

bool StartsWith(const std::vector<uint8_t>& b, std::initializer_list<uint8_t> magic) {
  if (b.size() < magic.size()) return false;
  size_t i = 0;
  for (uint8_t m : magic) {
    if (b[i++] != m) return false;
  }
  return true;
}

bool IsCompressed(const std::vector<uint8_t>& b) {
  return StartsWith(b, {0x1f, 0x8b}) || StartsWith(b, {'B', 'Z', 'h'}) ||
         StartsWith(b, {0xfd, '7', 'z', 'X', 'Z', 0x00}) || StartsWith(b, {0x28, 0xb5, 0x2f, 0xfd});
}

bool IsUtf8Family(const std::string& encoding) {
  std::string e = ToLower(encoding);
  for (const char* name :
       {"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig", "u8", "ascii", "us-ascii"}) {
    if (e == name) return true;
  }
  return false;
}

// Python codec name → iconv name ("latin-1" → "LATIN1", "cp932" → "CP932").
std::string IconvName(const std::string& encoding) {
  std::string e = ToLower(encoding);
  if (e == "latin-1" || e == "latin1" || e == "latin_1" || e == "l1") return "LATIN1";
  std::string out;
  for (char c : e) out.push_back(c == '_' ? '-' : static_cast<char>(std::toupper(c)));
  return out;
}

// Converts a prefix of a file; an incomplete character at the very end (the
// prefix may cut one) is dropped.
std::string ToUtf8(const std::vector<uint8_t>& bytes, const std::string& encoding,
                   const std::string& path) {
  if (IsUtf8Family(encoding)) {
    std::string text(bytes.begin(), bytes.end());
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    return text;
  }
  iconv_t cd = iconv_open("UTF-8", IconvName(encoding).c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    throw DataSourceError("CSV encoding '" + encoding + "' is not supported (" + path + ")");
  }
  std::string out(bytes.size() * 4 + 16, '\0');
  char* in_ptr = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  int err = errno;
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) && err != EINVAL) {
    throw DataSourceError("CSV file " + path + " cannot be decoded as " + encoding);
  }
  out.resize(out.size() - out_left);
  return out;
}

// Splits CSV text into records of fields (quotes may span lines); stops
// after `max_records` non-blank records.
std::vector<std::vector<std::string>> ReadRecords(const std::string& text, char delimiter,
                                                  size_t max_records) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false;
  bool record_has_content = false;
  auto end_record = [&]() {
    if (record_has_content) {
      fields.push_back(field);
      records.push_back(std::move(fields));
    }
    fields.clear();
    field.clear();
    record_has_content = false;
  };
  for (size_t i = 0; i < text.size() && records.size() < max_records; ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      in_quotes = true;
      record_has_content = true;
    } else if (c == delimiter) {
      fields.push_back(field);
      field.clear();
      record_has_content = true;
    } else if (c == '\n' || c == '\r') {
      end_record();
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      field.push_back(c);
      record_has_content = true;
    }
  }
  if (records.size() < max_records) end_record();
  return records;
}

void CheckColumns(const std::vector<std::string>& columns, const Recipe& recipe,
                  const std::string& path) {
  std::vector<std::pair<const char*, std::string>> wanted = {
      {"schema.user_column", recipe.schema.user_column},
      {"schema.item_column", recipe.schema.item_column}};
  if (recipe.schema.time_column)
    wanted.emplace_back("schema.time_column", *recipe.schema.time_column);
  for (const auto& [field, name] : wanted) {
    if (std::find(columns.begin(), columns.end(), name) != columns.end()) continue;
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "'" : ", '") + c + "'";
    throw DataSourceError("CSV column '" + name + "' (" + field + ") is not in the header of " +
                              path + " (columns: " + list + ")",
                          "datasource_error", {{"column", name}, {"path", path}});
  }
}

void ProbeCsv(const Recipe& recipe, const std::string& path) {
  std::vector<uint8_t> bytes;
  try {
    bytes = ReadFileCapped(path, kMaxProbeHeaderBytes);
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::no_such_file_or_directory) {
      throw DataSourceError("CSV file not found: " + path);
    }
    throw DataSourceError("Failed to probe CSV file " + path + ": " + e.code().message());
  }
  if (bytes.size() > kMaxProbeHeaderBytes) bytes.resize(kMaxProbeHeaderBytes);
  if (IsCompressed(bytes)) return;  // exists and opens; columns are checked at fetch
  const auto& config = recipe.source.config;
  std::string text = ToUtf8(bytes, config.value("encoding", "utf-8"), path);
  auto columns = ReadCsvHeader(text, config.value("delimiter", ","), config.value("header", 0));
  CheckColumns(columns, recipe, path);
}

}  // namespace

std::vector<std::string> ReadCsvHeader(const std::string& text, const std::string& delimiter,
                                       int64_t header) {
  if (header < 0) throw DataSourceError("CSV header index must be >= 0");
  size_t wanted = static_cast<size_t>(header) + 1;
  if (delimiter.size() == 1) {
    auto records = ReadRecords(text, delimiter[0], wanted);
    if (records.size() < wanted) {
      throw DataSourceError("CSV has no header row at index " + std::to_string(header));
    }
    return records.back();
  }
  // A regular-expression separator: records are lines (pandas' python
  // engine does not quote-split these either).
  std::regex separator;
  try {
    separator = std::regex(delimiter);
  } catch (const std::regex_error&) {
    throw DataSourceError("CSV delimiter '" + delimiter + "' is not a valid regular expression");
  }
  size_t seen = 0;
  for (const auto& raw : Split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (++seen < wanted) continue;
    std::vector<std::string> out;
    std::sregex_token_iterator it(line.begin(), line.end(), separator, -1), end;
    for (; it != end; ++it) out.push_back(*it);
    return out;
  }
  throw DataSourceError("CSV has no header row at index " + std::to_string(header));
}

bool ProbeLocalSource(const Recipe& recipe) {
  const auto& config = recipe.source.config;
  auto path_it = config.find("path");
  if (path_it == config.end() || !path_it->is_string()) return false;
  std::optional<std::string> local = LocalPathOf(path_it->get<std::string>());
  if (!local) return false;
  if (recipe.source.type == "csv") {
    ProbeCsv(recipe, *local);
    return true;
  }
  if (recipe.source.type == "parquet") {
    std::error_code ec;
    if (!fs::exists(*local, ec)) {
      if (ec) throw DataSourceError("Failed to probe Parquet file " + *local + ": " + ec.message());
      throw DataSourceError("Parquet file not found: " + *local);
    }
    return true;
  }
  return false;
}

}  // namespace recotem
