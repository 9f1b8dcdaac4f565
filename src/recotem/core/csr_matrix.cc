#include "recotem/core/csr_matrix.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace recotem {

CsrMatrix CsrMatrix::FromTriplets(int32_t n_rows, int32_t n_cols, std::span<const int32_t> rows,
                                  std::span<const int32_t> cols, std::span<const float> vals) {
  if (rows.size() != cols.size() || rows.size() != vals.size()) {
    throw std::invalid_argument("CsrMatrix::FromTriplets: arrays differ in length");
  }
  CsrMatrix m;
  m.n_rows = n_rows;
  m.n_cols = n_cols;
  m.indptr.assign(static_cast<size_t>(n_rows) + 1, 0);
  for (int32_t r : rows) {
    if (r < 0 || r >= n_rows) throw std::invalid_argument("CsrMatrix::FromTriplets: row range");
    ++m.indptr[static_cast<size_t>(r) + 1];
  }
  std::partial_sum(m.indptr.begin(), m.indptr.end(), m.indptr.begin());
  std::vector<int32_t> idx(rows.size());
  std::vector<float> val(rows.size());
  std::vector<int64_t> cursor(m.indptr.begin(), m.indptr.end() - 1);
  for (size_t k = 0; k < rows.size(); ++k) {
    if (cols[k] < 0 || cols[k] >= n_cols) {
      throw std::invalid_argument("CsrMatrix::FromTriplets: column range");
    }
    int64_t at = cursor[rows[k]]++;
    idx[at] = cols[k];
    val[at] = vals[k];
  }
  // Sort each row by column and merge duplicates (stable: keeps input order
  // of equal columns before summing, so the result is deterministic).
  std::vector<int64_t> new_indptr(m.indptr.size(), 0);
  std::vector<std::pair<int32_t, float>> row_buf;
  for (int32_t r = 0; r < n_rows; ++r) {
    row_buf.clear();
    for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) row_buf.emplace_back(idx[k], val[k]);
    std::stable_sort(row_buf.begin(), row_buf.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < row_buf.size(); ++k) {
      if (!m.indices.empty() && static_cast<int64_t>(m.indices.size()) > new_indptr[r] &&
          m.indices.back() == row_buf[k].first) {
        m.values.back() += row_buf[k].second;
      } else {
        m.indices.push_back(row_buf[k].first);
        m.values.push_back(row_buf[k].second);
      }
    }
    new_indptr[r + 1] = static_cast<int64_t>(m.indices.size());
  }
  m.indptr = std::move(new_indptr);
  return m;
}

CsrMatrix CsrMatrix::Transposed() const {
  CsrMatrix t;
  t.n_rows = n_cols;
  t.n_cols = n_rows;
  t.indptr.assign(static_cast<size_t>(n_cols) + 1, 0);
  for (int32_t c : indices) ++t.indptr[static_cast<size_t>(c) + 1];
  std::partial_sum(t.indptr.begin(), t.indptr.end(), t.indptr.begin());
  t.indices.resize(indices.size());
  t.values.resize(values.size());
  std::vector<int64_t> cursor(t.indptr.begin(), t.indptr.end() - 1);
  for (int32_t r = 0; r < n_rows; ++r) {
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) {
      int64_t at = cursor[indices[k]]++;
      t.indices[at] = r;
      t.values[at] = values[k];
    }
  }
  return t;
}

void CsrMatrix::Validate() const {
  auto fail = [](const std::string& why) { throw std::invalid_argument("invalid CSR: " + why); };
  if (n_rows < 0 || n_cols < 0) fail("negative shape");
  if (indptr.size() != static_cast<size_t>(n_rows) + 1) fail("indptr length");
  if (indptr.front() != 0) fail("indptr[0] != 0");
  if (indices.size() != values.size()) fail("indices/values length");
  if (indptr.back() != static_cast<int64_t>(indices.size())) fail("indptr[-1] != nnz");
  for (int32_t r = 0; r < n_rows; ++r) {
    if (indptr[r + 1] < indptr[r]) fail("indptr not monotone");
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) {
      if (indices[k] < 0 || indices[k] >= n_cols) fail("column out of range");
      if (k > indptr[r] && indices[k] <= indices[k - 1]) fail("columns not sorted");
    }
  }
}

}  // namespace recotem
