#include "recotem/algo/item_similarity.h"

#include <algorithm>
#include <stdexcept>

#include "recotem/algo/multiversion.h"
#include "recotem/algo/vec16.h"

namespace recotem {

namespace {

// A dense copy is kept when W has at least this fraction of n² entries…
constexpr double kDenseMinFill = 0.125;
// …and n² is at most this many entries (128 MiB of floats).
constexpr int64_t kDenseMaxEntries = int64_t{1} << 25;

// out += Σ_e values[e] · W[items[e], :] for the CSR W. Compiled per x86-64
// level like SumDenseRows, so both paths round alike (fused multiply-adds
// on the same CPUs) and a dense copy never changes a score.
RECOTEM_MULTIVERSION void AddSparseRows(const CsrMatrix& w, std::span<const int32_t> items,
                                        std::span<const float> values, float* out) {
  for (size_t e = 0; e < items.size(); ++e) {
    const float weight = values[e];
    auto cols = w.RowIndices(items[e]);
    auto ws = w.RowValues(items[e]);
    for (size_t c = 0; c < cols.size(); ++c) out[cols[c]] += weight * ws[c];
  }
}

// Columns summed per register block when adding dense rows.
constexpr int64_t kDenseColumnBlock = 64;

// out[c0, c0 + 16·N) = Σ_e values[e] · dense[items[e]][c0, c0 + 16·N), the
// sums held in registers while every row streams past.
template <int N>
void SumDenseBlock(const float* dense, int64_t n, std::span<const int32_t> items,
                   std::span<const float> values, int64_t c0, float* out) {
  Vec16 acc[N];
  for (int64_t j = 0; j < N; ++j) acc[j] = Vec16{};
  for (size_t e = 0; e < items.size(); ++e) {
    const float w = values[e];
    const float* row = dense + static_cast<int64_t>(items[e]) * n + c0;
    for (int64_t j = 0; j < N; ++j) acc[j] += w * Lanes(row + 16 * j);
  }
  for (int64_t j = 0; j < N; ++j) Lanes(out + c0 + 16 * j) = acc[j];
}

// For each user r: out[r, 0..n) = Σ_e x[r, e] · dense[e] (row-major n × n
// W), summed in row order for every column like the sparse path. A block of
// columns is summed in registers for every user of the call before the next
// block, so each output is written once and the block of W stays in cache
// across users (ML-100k DenseSLIM evaluation 3× faster than adding whole rows
// into `out` user by user).
RECOTEM_MULTIVERSION void SumDenseRows(const float* dense, int64_t n, const CsrMatrix& x,
                                       std::span<const int32_t> rows, float* out) {
  int64_t c0 = 0;
  for (; c0 + kDenseColumnBlock <= n; c0 += kDenseColumnBlock) {
    for (size_t r = 0; r < rows.size(); ++r) {
      SumDenseBlock<kDenseColumnBlock / 16>(dense, n, x.RowIndices(rows[r]), x.RowValues(rows[r]),
                                            c0, out + static_cast<int64_t>(r) * n);
    }
  }
  for (; c0 + 16 <= n; c0 += 16) {
    for (size_t r = 0; r < rows.size(); ++r) {
      SumDenseBlock<1>(dense, n, x.RowIndices(rows[r]), x.RowValues(rows[r]), c0,
                       out + static_cast<int64_t>(r) * n);
    }
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    auto items = x.RowIndices(rows[r]);
    auto values = x.RowValues(rows[r]);
    for (int64_t c = c0; c < n; ++c) {
      float sum = 0.0f;
      for (size_t e = 0; e < items.size(); ++e) {
        sum += values[e] * dense[static_cast<int64_t>(items[e]) * n + c];
      }
      out[static_cast<int64_t>(r) * n + c] = sum;
    }
  }
}

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

void ItemSimilarity::ScoreSparseRow(const CsrMatrix& x, int32_t row, float* out) const {
  std::fill(out, out + n_items(), 0.0f);
  AddSparseRows(weights_, x.RowIndices(row), x.RowValues(row), out);
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
  }
  ScoreValidRows(x, rows, out.data());
}

void ItemSimilarity::ScoreAllRows(const CsrMatrix& x, std::span<float> out) const {
  const auto n = static_cast<size_t>(n_items());
  if (x.n_cols != n_items() || out.size() != static_cast<size_t>(x.n_rows) * n) {
    throw std::invalid_argument("ItemSimilarity: input or output has the wrong shape");
  }
  std::vector<int32_t> rows(static_cast<size_t>(x.n_rows));
  for (int32_t r = 0; r < x.n_rows; ++r) rows[static_cast<size_t>(r)] = r;
  ScoreValidRows(x, rows, out.data());
}

void ItemSimilarity::ScoreValidRows(const CsrMatrix& x, std::span<const int32_t> rows,
                                    float* out) const {
  if (!dense_.empty()) {
    SumDenseRows(dense_.data(), n_items_, x, rows, out);
    return;
  }
  const auto n = static_cast<int64_t>(n_items_);
  for (size_t k = 0; k < rows.size(); ++k) {
    ScoreSparseRow(x, rows[k], out + static_cast<int64_t>(k) * n);
  }
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
