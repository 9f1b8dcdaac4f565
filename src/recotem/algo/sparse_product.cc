#include "recotem/algo/sparse_product.h"

#include <algorithm>
#include <utility>

#include "recotem/algo/parallel_for.h"
#include "recotem/algo/recommender.h"

namespace recotem {

namespace {

// A row whose product count times this reaches the column count is
// accumulated without tracking and collected by scanning every column.
constexpr int64_t kDenseScanRatio = 4;
// Bytes per stored entry of a RawProduct (column + value).
constexpr size_t kEntryBytes = sizeof(int32_t) + sizeof(double);

int64_t ProductCount(const CsrMatrix& l, const CsrMatrix& r, int32_t row) {
  int64_t products = 0;
  for (int64_t a = l.indptr[row]; a < l.indptr[row + 1]; ++a) {
    products += r.indptr[l.indices[a] + 1] - r.indptr[l.indices[a]];
  }
  return products;
}

}  // namespace

void ProductRow(const WeightedCsr& left, const WeightedCsr& right, int32_t row, ProductScratch& s) {
  const CsrMatrix& l = *left.structure;
  const CsrMatrix& r = *right.structure;
  const int32_t n_cols = r.n_cols;
  s.acc.resize(static_cast<size_t>(n_cols), 0.0);
  s.stamp.resize(static_cast<size_t>(n_cols), -1);
  const int32_t stamp = row;
  s.touched.clear();
  if (ProductCount(l, r, row) * kDenseScanRatio >= n_cols) {
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
}

RawProduct::RawProduct(std::vector<Block> blocks) : blocks_(std::move(blocks)) {
  // What the blocks hold, not just what they use: the cache's bound is on
  // memory.
  for (Block& b : blocks_) {
    b.indptr.shrink_to_fit();
    b.indices.shrink_to_fit();
    b.values.shrink_to_fit();
    bytes_ += b.indptr.capacity() * sizeof(int64_t) + b.indices.capacity() * sizeof(int32_t) +
              b.values.capacity() * sizeof(double);
  }
}

std::span<const int32_t> RawProduct::Columns(int32_t row) const {
  const Block& b = blocks_[static_cast<size_t>(row / kSimilarityBlockRows)];
  const size_t local = static_cast<size_t>(row % kSimilarityBlockRows);
  return {b.indices.data() + b.indptr[local],
          static_cast<size_t>(b.indptr[local + 1] - b.indptr[local])};
}

std::span<const double> RawProduct::Values(int32_t row) const {
  const Block& b = blocks_[static_cast<size_t>(row / kSimilarityBlockRows)];
  const size_t local = static_cast<size_t>(row % kSimilarityBlockRows);
  return {b.values.data() + b.indptr[local],
          static_cast<size_t>(b.indptr[local + 1] - b.indptr[local])};
}

std::shared_ptr<const void> ProductCache::FindAny(const std::string& key) {
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().product;
    }
  }
  return nullptr;
}

void ProductCache::Insert(const std::string& key, std::shared_ptr<const void> product,
                          size_t bytes) {
  if (!product || bytes > max_bytes_) return;
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {  // another fit stored it meanwhile
      bytes_ -= it->bytes;
      entries_.erase(it);
      break;
    }
  }
  bytes_ += bytes;
  entries_.push_front({key, std::move(product), bytes});
  while (bytes_ > max_bytes_) {
    bytes_ -= entries_.back().bytes;
    entries_.pop_back();
  }
}

std::shared_ptr<const RawProduct> CachedProduct(const WeightedCsr& left, const WeightedCsr& right,
                                                const ProductCacheKey& cached, int n_threads,
                                                const std::stop_token& stop) {
  if (cached.cache == nullptr) return nullptr;
  if (auto found = cached.cache->Find<RawProduct>(cached.key)) return found;
  const CsrMatrix& l = *left.structure;
  const CsrMatrix& r = *right.structure;
  size_t bound = 0;
  for (int32_t row = 0; row < l.n_rows; ++row) {
    bound +=
        static_cast<size_t>(std::min<int64_t>(ProductCount(l, r, row), r.n_cols)) * kEntryBytes;
  }
  if (bound > cached.cache->max_bytes()) return nullptr;
  const int64_t n_blocks = (l.n_rows + kSimilarityBlockRows - 1) / kSimilarityBlockRows;
  std::vector<RawProduct::Block> blocks(static_cast<size_t>(n_blocks));
  std::vector<ProductScratch> scratch(static_cast<size_t>(ParallelWorkers(n_blocks, 1, n_threads)));
  ParallelFor(n_blocks, 1, n_threads, [&](int64_t block_begin, int64_t block_end, int worker) {
    ProductScratch& s = scratch[static_cast<size_t>(worker)];
    for (int64_t block = block_begin; block < block_end; ++block) {
      if (stop.stop_requested()) throw FitCancelled();
      RawProduct::Block& out = blocks[static_cast<size_t>(block)];
      const int64_t row_end = std::min<int64_t>(l.n_rows, (block + 1) * kSimilarityBlockRows);
      for (int64_t row = block * kSimilarityBlockRows; row < row_end; ++row) {
        ProductRow(left, right, static_cast<int32_t>(row), s);
        out.indices.insert(out.indices.end(), s.touched.begin(), s.touched.end());
        out.values.insert(out.values.end(), s.row_values.begin(), s.row_values.end());
        out.indptr.push_back(static_cast<int64_t>(out.indices.size()));
      }
    }
  });
  auto product = std::make_shared<const RawProduct>(std::move(blocks));
  cached.cache->Insert(cached.key, product, product->bytes());
  return product;
}

}  // namespace recotem
