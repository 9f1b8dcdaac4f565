// The sparse product under every neighbourhood learner, row by row: raw row
// r of (L · R) for sparse L (m × k) and R (k × n) (item KNN: L = Xᵀ,
// R = weighted X; RP3beta and P3alpha: transition matrices), Gustavson's
// algorithm with a dense double accumulator per thread.
//
// ProductCache keeps whole raw products between fits on one training matrix.
// A search fits a neighbourhood class several times over the same matrix with
// parameters that only change the per-row transform and the top-k (shrinkage,
// top_k, beta, normalize_weight, …): those fits read the product instead of
// recomputing it (SparseProductTopK, sparse_product_top_k.h). The values are
// the ones the row-by-row product gives, so a fit's result does not depend on
// whether the product came from the cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "recotem/core/csr_matrix.h"

namespace recotem {

// Target rows per work block (algorithms.md §4: "blocked by 128 rows").
inline constexpr int64_t kSimilarityBlockRows = 128;

// A CSR structure with double values (the weighted copy of a matrix).
struct WeightedCsr {
  const CsrMatrix* structure = nullptr;
  std::vector<double> values;  // one per stored entry of *structure

  // The matrix's own values, widened.
  static WeightedCsr Of(const CsrMatrix& m) {
    return {&m, std::vector<double>(m.values.begin(), m.values.end())};
  }
};

// Per-thread buffers of the row-by-row product.
struct ProductScratch {
  std::vector<double> acc;
  std::vector<int32_t> stamp;    // stamp[c] == row: column c touched in this row
  std::vector<int32_t> touched;  // the row's columns, ascending
  std::vector<double> row_values;
};

// Raw row `row` of left · right over stored entries (only structurally
// non-zero products exist) into s.touched (columns ascending) and
// s.row_values.
void ProductRow(const WeightedCsr& left, const WeightedCsr& right, int32_t row, ProductScratch& s);

// A whole raw product, in blocks of kSimilarityBlockRows rows.
class RawProduct {
 public:
  struct Block {
    std::vector<int64_t> indptr{0};  // block-local
    std::vector<int32_t> indices;
    std::vector<double> values;
  };

  explicit RawProduct(std::vector<Block> blocks);
  std::span<const int32_t> Columns(int32_t row) const;
  std::span<const double> Values(int32_t row) const;
  size_t bytes() const { return bytes_; }

 private:
  std::vector<Block> blocks_;
  size_t bytes_ = 0;
};

// Thread-safe store of raw products by key, holding at most max_bytes (the
// least recently used product is dropped first).
class ProductCache {
 public:
  explicit ProductCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  ProductCache(const ProductCache&) = delete;
  ProductCache& operator=(const ProductCache&) = delete;

  size_t max_bytes() const { return max_bytes_; }
  std::shared_ptr<const RawProduct> Find(const std::string& key);
  // Ignored when the product alone is larger than max_bytes.
  void Insert(const std::string& key, std::shared_ptr<const RawProduct> product);

 private:
  std::mutex mutex_;
  const size_t max_bytes_;
  size_t bytes_ = 0;
  std::list<std::pair<std::string, std::shared_ptr<const RawProduct>>> entries_;  // newest first
};

// Which cached product a SparseProductTopK call may use: `key` names what
// the product depends on besides the training matrix the cache belongs to.
struct ProductCacheKey {
  ProductCache* cache = nullptr;
  std::string key;
};

// left · right from cached.cache, or computed over n_threads and stored
// there. Null (compute row by row instead) when there is no cache or the
// product's upper bound exceeds the cache's capacity. Throws FitCancelled
// when `stop` is requested.
std::shared_ptr<const RawProduct> CachedProduct(const WeightedCsr& left, const WeightedCsr& right,
                                                const ProductCacheKey& cached, int n_threads,
                                                const std::stop_token& stop);

}  // namespace recotem
