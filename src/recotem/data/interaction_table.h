// InteractionTable: what every DataSource returns — named columns of cells
// as read (text + null mask), each with an inferred kind (int, float, bool,
// string) so that ids can be canonicalised the way the original's str()
// does (training.md §6 step 2: 0042 → "42", 12 in a column with blanks →
// "12.0", true → "True"). Storage is one contiguous buffer per column, so a
// 10M-row table does not allocate 10M strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

enum class ColumnKind { kInt, kFloat, kBool, kString };

class Column {
 public:
  explicit Column(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  ColumnKind kind() const { return kind_; }
  size_t size() const { return nulls_.size(); }
  bool IsNull(size_t row) const { return nulls_[row] != 0; }
  // The cell's text exactly as read (empty for nulls).
  std::string_view Raw(size_t row) const {
    return std::string_view(data_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // The canonical string of a non-null cell for its kind: integers in
  // decimal, floats as Python's repr (shortest round-trip, ".0" for integral
  // values), booleans as True/False, strings verbatim.
  std::string Canonical(size_t row) const;
  // The numeric value of a non-null int/float/bool cell.
  double Number(size_t row) const;

  // Building: append cells, then Finish() infers the kind, or checks that
  // every cell converts to `forced` (a recipe `dtype` override) and throws
  // std::runtime_error naming the first cell that does not. A value in the
  // null-token set of the CSV reader is appended with AppendNull().
  void Append(std::string_view text);
  void AppendNull();
  void Finish(std::optional<ColumnKind> forced);

 private:
  std::string name_;
  ColumnKind kind_ = ColumnKind::kString;
  std::string data_;
  std::vector<uint64_t> offsets_{0};
  std::vector<uint8_t> nulls_;
};

struct InteractionTable {
  std::vector<Column> columns;

  size_t n_rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const Column* Find(std::string_view name) const;
  std::vector<std::string> ColumnNames() const;
};

// Python's repr() of a double: "1.0", "0.1", "1e+16", "1.5e-05", "nan", "inf".
std::string PythonFloatRepr(double value);

}  // namespace recotem
