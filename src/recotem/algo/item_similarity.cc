#include "recotem/algo/item_similarity.h"

#include <algorithm>
#include <stdexcept>

namespace recotem {

namespace {

// A dense copy is kept when W has at least this fraction of n² entries…
constexpr double kDenseMinFill = 0.125;
// …and n² is at most this many entries (128 MiB of floats).
constexpr int64_t kDenseMaxEntries = int64_t{1} << 25;

}  // namespace

ItemSimilarity::ItemSimilarity(CsrMatrix weights)
    : n_items_(weights.n_rows), weights_(std::move(weights)) {
  if (weights_.n_rows != weights_.n_cols) {
    throw std::invalid_argument("ItemSimilarity: weights must be square");
  }
  MaybeDensify();
}

ItemSimilarity ItemSimilarity::FromDense(int32_t n_items, std::vector<float> dense) {
  const auto n = static_cast<int64_t>(n_items);
  if (n_items < 0 || static_cast<int64_t>(dense.size()) != n * n) {
    throw std::invalid_argument("ItemSimilarity: dense weights have the wrong size");
  }
  ItemSimilarity s;
  s.n_items_ = n_items;
  s.dense_only_ = true;
  s.weights_.n_rows = s.weights_.n_cols = n_items;
  s.weights_.indptr.assign(static_cast<size_t>(n) + 1, 0);
  s.dense_ = std::move(dense);
  return s;
}

float ItemSimilarity::Weight(int32_t i, int32_t j) const {
  if (!dense_.empty()) return dense_[static_cast<int64_t>(i) * n_items_ + j];
  auto cols = weights_.RowIndices(i);
  auto it = std::lower_bound(cols.begin(), cols.end(), j);
  if (it == cols.end() || *it != j) return 0.0f;
  return weights_.RowValues(i)[static_cast<size_t>(it - cols.begin())];
}

int64_t ItemSimilarity::nnz() const {
  return dense_only_ ? static_cast<int64_t>(n_items_) * n_items_ : weights_.nnz();
}

void ItemSimilarity::MaybeDensify() {
  dense_.clear();
  const auto n = static_cast<int64_t>(weights_.n_rows);
  if (n == 0 || n * n > kDenseMaxEntries) return;
  if (static_cast<double>(weights_.nnz()) < kDenseMinFill * static_cast<double>(n * n)) return;
  dense_.assign(static_cast<size_t>(n * n), 0.0f);
  for (int32_t i = 0; i < weights_.n_rows; ++i) {
    auto idx = weights_.RowIndices(i);
    auto val = weights_.RowValues(i);
    for (size_t k = 0; k < idx.size(); ++k) dense_[i * n + idx[k]] = val[k];
  }
}

void ItemSimilarity::ScoreRow(const CsrMatrix& x, int32_t row, float* out) const {
  const int32_t n = n_items();
  std::fill(out, out + n, 0.0f);
  auto items = x.RowIndices(row);
  auto values = x.RowValues(row);
  for (size_t k = 0; k < items.size(); ++k) {
    const float weight = values[k];
    const int32_t i = items[k];
    if (!dense_.empty()) {
      const float* __restrict w = dense_.data() + static_cast<int64_t>(i) * n;
      float* __restrict o = out;
      for (int32_t j = 0; j < n; ++j) o[j] += weight * w[j];
    } else {
      auto cols = weights_.RowIndices(i);
      auto w = weights_.RowValues(i);
      for (size_t e = 0; e < cols.size(); ++e) out[cols[e]] += weight * w[e];
    }
  }
}

void ItemSimilarity::ScoreRows(const CsrMatrix& x, std::span<const int32_t> rows,
                               std::span<float> out) const {
  const auto n = static_cast<size_t>(n_items());
  if (x.n_cols != n_items() || out.size() != rows.size() * n) {
    throw std::invalid_argument("ItemSimilarity: input or output has the wrong shape");
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k] < 0 || rows[k] >= x.n_rows) {
      throw std::invalid_argument("ItemSimilarity: user row out of range");
    }
    ScoreRow(x, rows[k], out.data() + k * n);
  }
}

void ItemSimilarity::ScoreAllRows(const CsrMatrix& x, std::span<float> out) const {
  const auto n = static_cast<size_t>(n_items());
  if (x.n_cols != n_items() || out.size() != static_cast<size_t>(x.n_rows) * n) {
    throw std::invalid_argument("ItemSimilarity: input or output has the wrong shape");
  }
  for (int32_t r = 0; r < x.n_rows; ++r) ScoreRow(x, r, out.data() + r * n);
}

void ItemSimilarity::Save(TensorMap& out, const std::string& prefix) const {
  if (dense_only_) {
    const auto n = static_cast<int64_t>(n_items_);
    out.Put<float>(prefix + "dense", std::span<const float>(dense_), {n, n});
    return;
  }
  out.Put<int64_t>(prefix + "indptr", weights_.indptr);
  out.Put<int32_t>(prefix + "indices", weights_.indices);
  out.Put<float>(prefix + "values", weights_.values);
}

void ItemSimilarity::Load(const TensorMap& in, const std::string& prefix, int32_t n_items) {
  if (n_items < 0) throw std::invalid_argument("ItemSimilarity: negative item count");
  const auto n = static_cast<int64_t>(n_items);
  if (in.Contains(prefix + "dense")) {
    *this = FromDense(n_items, in.Get<float>(prefix + "dense", {n, n}));
    return;
  }
  CsrMatrix w;
  w.n_rows = w.n_cols = n_items;
  w.indptr = in.Get<int64_t>(prefix + "indptr", {static_cast<int64_t>(n_items) + 1});
  w.indices = in.Get<int32_t>(prefix + "indices", {-1});
  w.values = in.Get<float>(prefix + "values", {static_cast<int64_t>(w.indices.size())});
  w.Validate();
  *this = ItemSimilarity(std::move(w));
}

}  // namespace recotem
