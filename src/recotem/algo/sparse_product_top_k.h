// SparseProductTopK: row r of (L · R) for sparse L (m × k) and R (k × n)
// (sparse_product.h), transformed row by row and pruned to the top-k per row
// — the kernel of every neighbourhood learner. Rows are computed one at a
// time (nothing of size m × n is materialised) or read from a cached whole
// product, in blocks of kSimilarityBlockRows over threads.
//
// Included by the .cc files of the learners only (it is a template).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <stop_token>
#include <vector>

#include "recotem/algo/parallel_for.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/sparse_product.h"
#include "recotem/algo/top_k.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

// For every row r of `left`: raw(r, c) = Σ_k left[r,k] · right[k,c] over
// stored entries (only structurally non-zero products exist);
// transform(r, columns, values) then rewrites the row's raw values in place
// (columns ascending), and the `top_k` largest values are kept (ties: lower
// column first; top_k ≤ 0 keeps all). With `zero_diagonal`, a kept (r, r)
// entry is then set to 0 and kept as an explicit zero. Columns of each
// result row are ascending. The raw rows come from `cached` when it names a
// cache (CachedProduct). Throws FitCancelled when `stop` is requested.
template <typename Transform>
CsrMatrix SparseProductTopK(const WeightedCsr& left, const WeightedCsr& right, int64_t top_k,
                            bool zero_diagonal, Transform transform, int n_threads,
                            const std::stop_token& stop, const ProductCacheKey& cached = {}) {
  const std::shared_ptr<const RawProduct> raw = CachedProduct(left, right, cached, n_threads, stop);
  const int32_t n_rows = left.structure->n_rows;
  const int32_t n_cols = right.structure->n_cols;
  const int64_t n_blocks = (n_rows + kSimilarityBlockRows - 1) / kSimilarityBlockRows;
  struct BlockResult {
    std::vector<int64_t> row_lengths;
    std::vector<int32_t> indices;
    std::vector<float> values;
  };
  std::vector<BlockResult> blocks(static_cast<size_t>(n_blocks));
  struct Scratch {
    ProductScratch product;
    std::vector<double> scratch;
    std::vector<int32_t> kept;
  };
  std::vector<Scratch> scratch(static_cast<size_t>(ParallelWorkers(n_blocks, 1, n_threads)));
  ParallelFor(n_blocks, 1, n_threads, [&](int64_t block_begin, int64_t block_end, int worker) {
    Scratch& s = scratch[static_cast<size_t>(worker)];
    std::vector<double>& row_values = s.product.row_values;
    for (int64_t block = block_begin; block < block_end; ++block) {
      if (stop.stop_requested()) throw FitCancelled();
      BlockResult& out = blocks[static_cast<size_t>(block)];
      const int64_t row_end = std::min<int64_t>(n_rows, (block + 1) * kSimilarityBlockRows);
      for (int64_t row = block * kSimilarityBlockRows; row < row_end; ++row) {
        const auto r = static_cast<int32_t>(row);
        std::span<const int32_t> columns;
        if (raw) {
          columns = raw->Columns(r);
          const std::span<const double> values = raw->Values(r);
          row_values.assign(values.begin(), values.end());
        } else {
          ProductRow(left, right, r, s.product);
          columns = s.product.touched;
        }
        transform(r, columns, std::span<double>(row_values));
        s.kept.clear();
        if (top_k > 0 && static_cast<int64_t>(columns.size()) > top_k) {
          // Positions follow ascending columns, so position ties are column ties.
          SelectTopKPositions<double>(row_values, static_cast<size_t>(top_k), s.scratch, s.kept);
        } else {
          for (size_t t = 0; t < columns.size(); ++t) s.kept.push_back(static_cast<int32_t>(t));
        }
        for (int32_t t : s.kept) {
          const int32_t c = columns[static_cast<size_t>(t)];
          out.indices.push_back(c);
          bool diagonal = zero_diagonal && c == row;
          out.values.push_back(diagonal ? 0.0f : static_cast<float>(row_values[t]));
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
