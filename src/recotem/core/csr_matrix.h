// CsrMatrix: the users × items interaction matrix every algorithm trains on
// (int64 row pointers, int32 column indices, float values), plus a builder
// from (row, col, value) triplets that sums duplicates and sorts columns.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recotem {

struct CsrMatrix {
  int32_t n_rows = 0;
  int32_t n_cols = 0;
  std::vector<int64_t> indptr{0};  // n_rows + 1 entries
  std::vector<int32_t> indices;    // column of each stored value, sorted per row
  std::vector<float> values;

  int64_t nnz() const { return static_cast<int64_t>(indices.size()); }
  std::span<const int32_t> RowIndices(int32_t row) const {
    return {indices.data() + indptr[row], static_cast<size_t>(indptr[row + 1] - indptr[row])};
  }
  std::span<const float> RowValues(int32_t row) const {
    return {values.data() + indptr[row], static_cast<size_t>(indptr[row + 1] - indptr[row])};
  }

  // Builds an n_rows × n_cols matrix from triplets; duplicate (row, col)
  // pairs are summed, columns within a row are sorted ascending.
  static CsrMatrix FromTriplets(int32_t n_rows, int32_t n_cols, std::span<const int32_t> rows,
                                std::span<const int32_t> cols, std::span<const float> vals);

  // The transpose (items × users), columns sorted.
  CsrMatrix Transposed() const;

  // Throws std::invalid_argument unless the arrays form a well-shaped CSR
  // matrix (monotone indptr, in-range sorted columns). Used on decoded data.
  void Validate() const;
};

}  // namespace recotem
