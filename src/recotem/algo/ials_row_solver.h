// IalsRowSolver: the per-row least-squares step of IALS (algorithms.md
// §2.2–2.3). For row r of one side (a user against fixed item factors, or an
// item against fixed user factors) it solves
//   A_r x = b_r,  A_r = P + Σ_{e∈S_r} c_e v_e v_eᵀ + λ_r I,  b_r = Σ_e (β + c_e) v_e
// with λ_r = reg · (alpha0 · n_other + nnz_r)^nu, either by conjugate
// gradient (never forming A) or by an exact Cholesky solve. Rows with no
// entry get x = 0.
//
// The CG products run on the row's factor vectors padded to a multiple of 16
// floats (the factors in place when their rows are padded already — IALS
// trains on such copies — and fit in cache, else a gathered copy), with the
// accumulators of P·v, Y·v and Yᵀ(c ∘ Yv) held in vector registers. The
// padding stays zero through CG, so the result is that of the unpadded
// system.
//
// One solver per thread: it owns its scratch buffers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "recotem/algo/aligned_vector.h"
#include "recotem/core/csr_matrix.h"

namespace recotem {

// The vector width (floats) of the CG kernels: factor vectors and the gram
// are padded to a multiple of it.
inline constexpr int64_t kFactorLane = 16;

// k rounded up to whole vectors of kFactorLane floats.
inline int64_t PaddedFactorCount(int64_t k) {
  return (k + kFactorLane - 1) / kFactorLane * kFactorLane;
}

// Everything fixed during one half-epoch.
struct IalsSide {
  const CsrMatrix* rows = nullptr;  // this side's interactions (rows × n_other)
  const float* other = nullptr;     // fixed factors, row-major n_other × k
  int64_t k = 0;
  // Floats from one row of `other` to the next (≥ k; 0 means k). Rows
  // padded with zeros to a multiple of kFactorLane are read in place
  // (no gathered copy) when the matrix fits in the cache.
  int64_t other_stride = 0;
  // P = alpha0 · OᵀO (symmetric), kp × kp row-major with
  // kp = PaddedFactorCount(k), zero outside the leading k × k.
  const float* gram = nullptr;
  // c_e and c_e + β for every stored entry of `rows` (FillEntryWeights).
  std::span<const float> confidence;
  std::span<const float> weights;
  double alpha0 = 0;
  double reg = 0;  // effective reg (nu_star-adjusted)
  double nu = 1;
  float beta = 0;               // 0 for the iALS++ loss, alpha0 for ORIGINAL
  bool log_confidence = false;  // c = ln(1 + x / epsilon) instead of x
  double epsilon = 1;
  bool cholesky = false;
};

// One row's CG system, as SolveCg reads it: the row's factor vectors (kp
// floats each, zero-padded), the padded gram and scratch vectors of kp
// floats (dots: the row count rounded up to 16).
struct CgRow {
  const float* const* rows = nullptr;
  const float* confidence = nullptr;  // c_e
  const float* weights = nullptr;     // c_e + β
  int64_t nnz = 0;
  const float* gram = nullptr;  // P, kp × kp row-major, zero-padded
  int64_t k = 0;
  int64_t kp = 0;
  float lambda = 0;
  const float* zero_row = nullptr;
  float* dots = nullptr;
  float* x = nullptr;
  float* r = nullptr;
  float* p = nullptr;
  float* ap = nullptr;
};

// Points the side's spans at c_e (x_e, or ln(1 + x_e / epsilon)) and
// c_e + β for every stored entry of side.rows, filling `confidence` and
// `weights` only where they differ from the stored values (log scaling, β ≠
// 0). Once per fit: the entries do not change between epochs.
void FillEntryWeights(IalsSide& side, std::vector<float>& confidence, std::vector<float>& weights);

// `steps` CG iterations on A x = b from x_row (warm_start) or zero; writes
// the k-float result to x_row. (SolveCgBatch with one row.)
void SolveCg(const CgRow& row, int64_t steps, bool warm_start, float* x_row);

// Rows solved together by SolveCgBatch at most.
inline constexpr int kMaxBatch = 4;

// SolveCg for g ≤ kMaxBatch rows of one side (same gram, same k) in
// lockstep, so each CG step reads the gram once for all of them: the gram
// product dominates once P (kp² floats) no longer fits in the L1 cache.
void SolveCgBatch(const CgRow* batch, int g, int64_t steps, bool warm_start, float* const* x_rows);

class IalsRowSolver {
 public:
  // Scratch for rows of up to `max_nnz` entries. `side` must outlive this.
  IalsRowSolver(const IalsSide& side, int64_t max_nnz);

  // Solves row `row` into x_row (k floats). With `warm_start`, x_row's
  // current value is CG's starting point, else zero. `cg_steps` ≤ 0 means k.
  // The side's factors and gram may change between calls (same k).
  void Solve(int32_t row, int64_t cg_steps, bool warm_start, float* x_row);

  // For SolveCgBatch (CG solver only): gathers `row` and returns its system,
  // valid until this solver's next call; nullopt for a row without entries
  // (x_row is then set to zero).
  std::optional<CgRow> PrepareCg(int32_t row, float* x_row);

 private:
  // Gathers `row`; false (x_row zeroed) for a row without entries.
  bool Begin(int32_t row, float* x_row);
  int64_t Stride() const;
  void Gather(int32_t row, int64_t nnz);
  void SolveCholesky(float lambda, float* x_row);

  const IalsSide& side_;
  int64_t kp_ = 0;   // k rounded up to the vector block
  int64_t nnz_ = 0;  // entries of the current row
  float lambda_ = 0;
  const float* confidence_ = nullptr;  // the row's c_e and c_e + β (in side_)
  const float* weights_ = nullptr;
  bool direct_ = false;             // rows_ point into side_.other
  std::vector<const float*> rows_;  // the row's factor vectors (kp floats each)
  AlignedVector<float> row_major_;  // gathered, padded factors (nnz × kp)
  std::vector<float> dots_;
  AlignedVector<float> zero_row_;            // kp zeros, pads partial blocks of rows
  AlignedVector<float> b_, x_, r_, p_, ap_;  // b_: the Cholesky right-hand side
};

}  // namespace recotem
