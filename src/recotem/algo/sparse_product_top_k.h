// SparseProductTopK: row r of (L · R) for sparse L (m × k) and R (k × n),
// transformed row by row and pruned to the top-k per row — the kernel of
// every neighbourhood learner (item KNN: L = Xᵀ, R = weighted X; RP3beta and
// P3alpha: transition matrices). Gustavson's row-by-row product with a dense
// double accumulator per thread, so nothing of size m × n is materialised.
// Rows are processed in blocks of kSimilarityBlockRows over threads.
//
// Included by the .cc files of the learners only (it is a template).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <stop_token>
#include <vector>

#include "recotem/algo/parallel_for.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/top_k.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

// Target rows per work block (algorithms.md §4: "blocked by 128 rows").
inline constexpr int64_t kSimilarityBlockRows = 128;
// A row whose product count times this reaches the column count is
// accumulated without tracking and collected by scanning every column.
inline constexpr int64_t kDenseScanRatio = 4;

// A CSR structure with double values (the weighted copy of a matrix).
struct WeightedCsr {
  const CsrMatrix* structure = nullptr;
  std::vector<double> values;  // one per stored entry of *structure

  // The matrix's own values, widened.
  static WeightedCsr Of(const CsrMatrix& m) {
    return {&m, std::vector<double>(m.values.begin(), m.values.end())};
  }
};

// For every row r of `left`: raw(r, c) = Σ_k left[r,k] · right[k,c] over
// stored entries (only structurally non-zero products exist);
// transform(r, columns, values) then rewrites the row's raw values in place
// (columns ascending), and the `top_k` largest values are kept (ties: lower
// column first; top_k ≤ 0 keeps all). With `zero_diagonal`, a kept (r, r)
// entry is then set to 0 and kept as an explicit zero. Columns of each
// result row are ascending. Throws FitCancelled when `stop` is requested.
template <typename Transform>
CsrMatrix SparseProductTopK(const WeightedCsr& left, const WeightedCsr& right, int64_t top_k,
                            bool zero_diagonal, Transform transform, int n_threads,
                            const std::stop_token& stop) {
  const CsrMatrix& l = *left.structure;
  const CsrMatrix& r = *right.structure;
  const int32_t n_rows = l.n_rows;
  const int32_t n_cols = r.n_cols;
  const int64_t n_blocks = (n_rows + kSimilarityBlockRows - 1) / kSimilarityBlockRows;
  struct BlockResult {
    std::vector<int64_t> row_lengths;
    std::vector<int32_t> indices;
    std::vector<float> values;
  };
  std::vector<BlockResult> blocks(static_cast<size_t>(n_blocks));
  const int workers = ParallelWorkers(n_blocks, 1, n_threads);
  struct Scratch {
    std::vector<double> acc;
    std::vector<int32_t> stamp;  // stamp[c] == row: column c touched in this row
    std::vector<int32_t> touched;
    std::vector<double> row_values;
    std::vector<double> scratch;
    std::vector<int32_t> kept;
  };
  std::vector<Scratch> scratch(static_cast<size_t>(workers));
  ParallelFor(n_blocks, 1, n_threads, [&](int64_t block_begin, int64_t block_end, int worker) {
    Scratch& s = scratch[static_cast<size_t>(worker)];
    s.acc.resize(static_cast<size_t>(n_cols), 0.0);
    s.stamp.resize(static_cast<size_t>(n_cols), -1);
    for (int64_t block = block_begin; block < block_end; ++block) {
      if (stop.stop_requested()) throw FitCancelled();
      BlockResult& out = blocks[static_cast<size_t>(block)];
      const int64_t row_end = std::min<int64_t>(n_rows, (block + 1) * kSimilarityBlockRows);
      for (int64_t row = block * kSimilarityBlockRows; row < row_end; ++row) {
        const auto stamp = static_cast<int32_t>(row);
        int64_t products = 0;
        for (int64_t a = l.indptr[row]; a < l.indptr[row + 1]; ++a) {
          products += r.indptr[l.indices[a] + 1] - r.indptr[l.indices[a]];
        }
        s.touched.clear();
        if (products * kDenseScanRatio >= n_cols) {
          // Many products: branch-free accumulation, then one ordered scan.
          for (int64_t a = l.indptr[row]; a < l.indptr[row + 1]; ++a) {
            const int32_t k = l.indices[a];
            const double lv = left.values[a];
            for (int64_t b = r.indptr[k]; b < r.indptr[k + 1]; ++b) {
              const int32_t c = r.indices[b];
              s.acc[c] += lv * right.values[b];
              s.stamp[c] = stamp;
            }
          }
          for (int32_t c = 0; c < n_cols; ++c) {
            if (s.stamp[c] == stamp) s.touched.push_back(c);
          }
        } else {
          for (int64_t a = l.indptr[row]; a < l.indptr[row + 1]; ++a) {
            const int32_t k = l.indices[a];
            const double lv = left.values[a];
            for (int64_t b = r.indptr[k]; b < r.indptr[k + 1]; ++b) {
              const int32_t c = r.indices[b];
              if (s.stamp[c] != stamp) {
                s.stamp[c] = stamp;
                s.touched.push_back(c);
              }
              s.acc[c] += lv * right.values[b];
            }
          }
          std::sort(s.touched.begin(), s.touched.end());
        }
        s.row_values.resize(s.touched.size());
        for (size_t t = 0; t < s.touched.size(); ++t) {
          const int32_t c = s.touched[t];
          s.row_values[t] = s.acc[c];
          s.acc[c] = 0.0;
        }
        transform(static_cast<int32_t>(row), std::span<const int32_t>(s.touched),
                  std::span<double>(s.row_values));
        s.kept.clear();
        if (top_k > 0 && static_cast<int64_t>(s.touched.size()) > top_k) {
          // Positions follow ascending columns, so position ties are column ties.
          SelectTopKPositions<double>(s.row_values, static_cast<size_t>(top_k), s.scratch, s.kept);
        } else {
          for (size_t t = 0; t < s.touched.size(); ++t) s.kept.push_back(static_cast<int32_t>(t));
        }
        for (int32_t t : s.kept) {
          const int32_t c = s.touched[static_cast<size_t>(t)];
          out.indices.push_back(c);
          bool diagonal = zero_diagonal && c == row;
          out.values.push_back(diagonal ? 0.0f : static_cast<float>(s.row_values[t]));
        }
        out.row_lengths.push_back(static_cast<int64_t>(s.kept.size()));
      }
    }
  });
  CsrMatrix result;
  result.n_rows = n_rows;
  result.n_cols = n_cols;
  result.indptr.assign(1, 0);
  result.indptr.reserve(static_cast<size_t>(n_rows) + 1);
  for (BlockResult& block : blocks) {
    for (int64_t len : block.row_lengths) result.indptr.push_back(result.indptr.back() + len);
    result.indices.insert(result.indices.end(), block.indices.begin(), block.indices.end());
    result.values.insert(result.values.end(), block.values.begin(), block.values.end());
    block = BlockResult{};
  }
  return result;
}

}  // namespace recotem
