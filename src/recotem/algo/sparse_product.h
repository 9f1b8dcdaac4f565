// The sparse product under every neighbourhood learner, row by row: raw row
// r of (L · R) for sparse L (m × k) and R (k × n) (item KNN: L = Xᵀ,
// R = weighted X; RP3beta and P3alpha: transition matrices), Gustavson's
// algorithm with a dense double accumulator per thread.
//
// ProductCache keeps products of one training matrix between fits on it. A
// search fits a class several times over the same matrix with parameters
// that only change what is done with a product: the neighbourhood learners'
// per-row transform and top-k (shrinkage, top_k, beta, normalize_weight, …;
// raw products, SparseProductTopK in sparse_product_top_k.h) and
// DenseSLIM's regularisation (its dense XᵀX). Those fits read the product
// instead of recomputing it; the values are the ones a fit computes, so its
// result does not depend on whether the product came from the cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
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

// Thread-safe store of products by key, holding at most max_bytes (the
// least recently used product is dropped first). A key always names values
// of one type (its users spell the type in the key).
class ProductCache {
 public:
  explicit ProductCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  ProductCache(const ProductCache&) = delete;
  ProductCache& operator=(const ProductCache&) = delete;

  size_t max_bytes() const { return max_bytes_; }
  template <typename T>
  std::shared_ptr<const T> Find(const std::string& key) {
    return std::static_pointer_cast<const T>(FindAny(key));
  }
  // Ignored when the product alone is larger than max_bytes.
  void Insert(const std::string& key, std::shared_ptr<const void> product, size_t bytes);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const void> product;
    size_t bytes = 0;
  };
  std::shared_ptr<const void> FindAny(const std::string& key);

  std::mutex mutex_;
  const size_t max_bytes_;
  size_t bytes_ = 0;
  std::list<Entry> entries_;  // newest first
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
