// ItemSimilarity: an item × item weight matrix W and the scoring every
// similarity learner shares (KNN family, RP3beta, P3alpha, DenseSLIM):
// score(u, j) = Σ_{i ∈ S_u} X[u,i] · W[i,j] over the user's stored entries.
//
// A sparse W (top-k neighbours) is kept as CSR; when it is dense enough (and
// small enough) a dense row-major copy is kept as well and scoring sums
// whole rows, a block of columns at a time for all the users of a call (so
// the block of W stays in cache and the sums in registers). Both paths accumulate in the same order
// (ascending i) and a missing entry adds +0, so the choice never changes a
// score. A dense W (DenseSLIM) is kept dense only. Persisted as the tensors
// `<prefix>indptr` (I64), `<prefix>indices` (I32), `<prefix>values` (F32), or
// `<prefix>dense` (F32, n × n) for a dense W.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recotem/algo/tensor_map.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

class ItemSimilarity {
 public:
  ItemSimilarity() = default;
  // `weights` must be n × n (std::invalid_argument otherwise).
  explicit ItemSimilarity(CsrMatrix weights);
  // A dense n × n row-major W (DenseSLIM).
  static ItemSimilarity FromDense(int32_t n_items, std::vector<float> dense);

  int32_t n_items() const { return n_items_; }
  // W[i, j] (0 when not stored).
  float Weight(int32_t i, int32_t j) const;
  // Stored entries of W (n² when dense).
  int64_t nnz() const;

  // For each k, out[k, :] = Σ_{i ∈ row rows[k] of x} x[rows[k], i] · W[i, :].
  // `out` holds rows.size() × n_items() floats (overwritten).
  void ScoreRows(const CsrMatrix& x, std::span<const int32_t> rows, std::span<float> out) const;
  // As ScoreRows over every row of `x`.
  void ScoreAllRows(const CsrMatrix& x, std::span<float> out) const;

  void Save(TensorMap& out, const std::string& prefix) const;
  // Throws std::invalid_argument unless the tensors form a valid
  // n_items × n_items CSR matrix.
  void Load(const TensorMap& in, const std::string& prefix, int32_t n_items);

 private:
  // ScoreRows after its checks; `out` holds rows.size() × n_items() floats.
  void ScoreValidRows(const CsrMatrix& x, std::span<const int32_t> rows, float* out) const;
  void ScoreSparseRow(const CsrMatrix& x, int32_t row, float* out) const;
  void MaybeDensify();

  int32_t n_items_ = 0;
  bool dense_only_ = false;  // weights_ is unused
  CsrMatrix weights_;
  std::vector<float> dense_;
};

}  // namespace recotem
