#include "recotem/data/csv_parser.h"

#include <array>
#include <regex>
#include <stdexcept>
#include <vector>

namespace recotem {
namespace {

// Splits `text` into records of fields. Handles quotes for one-char
// delimiters; a multi-char delimiter is a regex applied per physical line.
class RecordReader {
 public:
  RecordReader(std::string_view text, const std::string& delimiter)
      : text_(text), delimiter_(delimiter) {
    if (delimiter.empty()) throw std::runtime_error("delimiter must not be empty");
    if (delimiter.size() > 1) pattern_.emplace(delimiter);
  }

  // Next non-blank record; false at end of input.
  bool Next(std::vector<std::string>* fields) {
    while (pos_ < text_.size()) {
      ++line_;
      bool ok = pattern_ ? ReadRegexLine(fields) : ReadQuotedRecord(fields);
      if (!ok) continue;  // blank line
      return true;
    }
    return false;
  }
  size_t line() const { return line_; }

 private:
  bool ReadQuotedRecord(std::vector<std::string>* fields) {
    fields->clear();
    const char sep = delimiter_[0];
    std::string field;
    bool in_quotes = false;
    bool any_char = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (in_quotes) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.push_back('"');
            ++pos_;
          } else {
            in_quotes = false;
          }
        } else {
          field.push_back(c);
        }
        continue;
      }
      if (c == '"') {
        in_quotes = true;
        any_char = true;
      } else if (c == sep) {
        fields->push_back(std::move(field));
        field.clear();
        any_char = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        break;
      } else {
        field.push_back(c);
        any_char = true;
      }
    }
    if (in_quotes)
      throw std::runtime_error("EOF inside string starting at line " + std::to_string(line_));
    if (!any_char) return false;
    fields->push_back(std::move(field));
    return true;
  }

  bool ReadRegexLine(std::vector<std::string>* fields) {
    fields->clear();
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string line(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return false;
    std::sregex_token_iterator it(line.begin(), line.end(), *pattern_, -1);
    for (; it != std::sregex_token_iterator(); ++it) fields->push_back(*it);
    if (!line.empty() && fields->empty()) fields->push_back("");
    return true;
  }

  std::string_view text_;
  std::string delimiter_;
  std::optional<std::regex> pattern_;
  size_t pos_ = 0;
  size_t line_ = 0;
};

}  // namespace

bool IsCsvNullToken(std::string_view cell) {
  static constexpr std::array<std::string_view, 20> kTokens = {
      "",     "#N/A",   "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN",
      "-nan", "1.#IND", "1.#QNAN",  "<NA>", "N/A",     "NA",       "NULL",
      "NaN",  "None",   "n/a",      "nan",  "null",    "nan"};
  for (auto t : kTokens) {
    if (cell == t) return true;
  }
  return false;
}

InteractionTable ParseCsv(std::string_view text, const CsvOptions& options) {
  if (options.header < 0) throw std::runtime_error("header must be >= 0");
  RecordReader reader(text, options.delimiter);
  std::vector<std::string> fields;
  for (int64_t skipped = 0; skipped < options.header; ++skipped) {
    if (!reader.Next(&fields))
      throw std::runtime_error("no header row: the file has too few lines");
  }
  if (!reader.Next(&fields)) throw std::runtime_error("No columns to parse from file");
  InteractionTable table;
  for (std::string& name : fields) {
    for (const Column& existing : table.columns) {
      if (existing.name() == name) throw std::runtime_error("duplicate column name '" + name + "'");
    }
    table.columns.emplace_back(std::move(name));
  }
  const size_t n_cols = table.columns.size();
  while (reader.Next(&fields)) {
    if (fields.size() > n_cols) {
      throw std::runtime_error("Error tokenizing data. Expected " + std::to_string(n_cols) +
                               " fields in line " + std::to_string(reader.line()) + ", saw " +
                               std::to_string(fields.size()));
    }
    for (size_t c = 0; c < n_cols; ++c) {
      if (c >= fields.size() || IsCsvNullToken(fields[c])) {
        table.columns[c].AppendNull();
      } else {
        table.columns[c].Append(fields[c]);
      }
    }
  }
  for (Column& column : table.columns) {
    auto forced = options.forced_kinds.find(column.name());
    column.Finish(forced == options.forced_kinds.end() ? std::nullopt
                                                       : std::optional<ColumnKind>(forced->second));
  }
  return table;
}

}  // namespace recotem
