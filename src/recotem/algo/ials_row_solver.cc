#include "recotem/algo/ials_row_solver.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "recotem/algo/multiversion.h"
#include "recotem/algo/vec16.h"

namespace recotem {

namespace {

// CG stops once ‖r‖² falls to this (‖r‖ ≤ 1e-10, algorithms.md §2.3).
constexpr float kCgResidualSquaredTolerance = 1e-20f;
// Factor vectors are padded to a multiple of kLane floats; the column-major
// products work on blocks of kDotBlock rows.
constexpr int64_t kLane = kFactorLane;
constexpr int64_t kWideLane = 64;
// Factor matrices up to this size are read in place instead of gathered
// (the L2 cache of the machines we measure on holds 2 MiB per core).
constexpr int64_t kDirectMaxBytes = int64_t{2} << 20;
// Gather prefetches the factor row this many entries ahead.
constexpr int64_t kPrefetchDistance = 8;
constexpr int64_t kCacheLine = 64;
// RowDots pads a final partial block of at least this many rows.
constexpr int64_t kMinPaddedTail = 6;
// Gathered rows per fused block of A·v (≤ 16 KiB at k = 64).
constexpr int64_t kRowsPerBlock = 64;

int64_t RoundUp(int64_t n, int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// out[0, 16·N) += Σ_e w[e] · rows[e][offset, offset + 16·N). Even and odd
// rows go to separate accumulators to halve the FMA dependency chains.
template <int N>
void AccumulateBlock(const float* const* rows, int64_t offset, const float* w, int64_t n,
                     float* out) {
  Vec16 even[N], odd[N];
  for (int64_t j = 0; j < N; ++j) {
    even[j] = Lanes(out + 16 * j);
    odd[j] = Vec16{};
  }
  int64_t e = 0;
  for (; e + 1 < n; e += 2) {
    const float w0 = w[e], w1 = w[e + 1];
    const float* r0 = rows[e] + offset;
    const float* r1 = rows[e + 1] + offset;
#pragma GCC unroll 4
    for (int64_t j = 0; j < N; ++j) {
      even[j] += w0 * Lanes(r0 + 16 * j);
      odd[j] += w1 * Lanes(r1 + 16 * j);
    }
  }
  if (e < n) {
    const float* r0 = rows[e] + offset;
#pragma GCC unroll 4
    for (int64_t j = 0; j < N; ++j) even[j] += w[e] * Lanes(r0 + 16 * j);
  }
  for (int64_t j = 0; j < N; ++j) Lanes(out + 16 * j) = even[j] + odd[j];
}

// out[e] = rows[e] · v for n rows of kp floats (kp % kLane == 0): blocks of
// 16 rows accumulate in 16 registers and are reduced together. A final
// partial block of at least kMinPaddedTail rows is completed with `zero`
// rows (out must then have room for the whole block); shorter tails are
// reduced row by row.
void RowDots(const float* const* rows, int64_t n, int64_t kp, const float* v, const float* zero,
             float* out) {
  int64_t e = 0;
  const float* padded[16];
  for (; e < n; e += kLane) {
    const int64_t in_block = std::min<int64_t>(kLane, n - e);
    if (in_block < kMinPaddedTail) break;
    const float* const* block = rows + e;
    if (in_block < kLane) {
      for (int r = 0; r < 16; ++r) padded[r] = r < in_block ? rows[e + r] : zero;
      block = padded;
    }
    Vec16 acc[16];
    for (int r = 0; r < 16; ++r) acc[r] = Vec16{};
    for (int64_t i = 0; i < kp; i += kLane) {
      const Vec16 vi = Lanes(v + i);
#pragma GCC unroll 16
      for (int r = 0; r < 16; ++r) acc[r] += Lanes(block[r] + i) * vi;
    }
    SumLanesOfSixteen(acc, out + e);
  }
  for (; e < n; ++e) {
    const float* row = rows[e];
    Vec16 acc = Lanes(row) * Lanes(v);
    for (int64_t i = kLane; i < kp; i += kLane) acc += Lanes(row + i) * Lanes(v + i);
    out[e] = HorizontalSum(acc);
  }
}

// out[0, kp) += Σ_e w[e] · rows[e] for n rows of kp floats (kp % kLane == 0).
void AccumulateRows(const float* const* rows, const float* w, int64_t n, int64_t kp, float* out) {
  int64_t k0 = 0;
  for (; k0 + kWideLane <= kp; k0 += kWideLane) AccumulateBlock<4>(rows, k0, w, n, out + k0);
  for (; k0 < kp; k0 += kLane) AccumulateBlock<1>(rows, k0, w, n, out + k0);
}

// a · b for padded vectors (n % kLane == 0).
float Dot(const float* a, const float* b, int64_t n) {
  Vec16 acc = Lanes(a) * Lanes(b);
  for (int64_t j = kLane; j < n; j += kLane) acc += Lanes(a + j) * Lanes(b + j);
  return HorizontalSum(acc);
}

// One CG update of padded vectors: x += alpha·p, r −= alpha·Ap; returns the
// new r · r.
float StepAndResidual(float alpha, const float* p, const float* ap, int64_t n, float* x, float* r) {
  Vec16 acc{};
  for (int64_t j = 0; j < n; j += kLane) {
    Lanes(x + j) += alpha * Lanes(p + j);
    const Vec16 rj = Lanes(r + j) - alpha * Lanes(ap + j);
    Lanes(r + j) = rj;
    acc += rj * rj;
  }
  return HorizontalSum(acc);
}

// out[b] += P v[b] for the G ≤ kMaxBatch vectors of a batch: P (kp × kp,
// row-major, symmetric) is read once for all of them, in column blocks of
// 16·N floats whose G·N accumulators stay in registers.
template <int G, int N>
void GramBlockTimesBatch(const float* gram, int64_t kp, int64_t c0, const float* const* v,
                         float* const* out) {
  Vec16 acc[G][N];
  for (int b = 0; b < G; ++b) {
    for (int64_t n = 0; n < N; ++n) acc[b][n] = Vec16{};
  }
  for (int64_t j = 0; j < kp; ++j) {
    const float* pj = gram + j * kp + c0;
    Vec16 row[N];
    for (int64_t n = 0; n < N; ++n) row[n] = Lanes(pj + 16 * n);
    for (int b = 0; b < G; ++b) {
      const float vj = v[b][j];
      for (int64_t n = 0; n < N; ++n) acc[b][n] += vj * row[n];
    }
  }
  for (int b = 0; b < G; ++b) {
    for (int64_t n = 0; n < N; ++n) Lanes(out[b] + c0 + 16 * n) += acc[b][n];
  }
}

template <int G>
void GramTimesBatchOf(const float* gram, int64_t kp, const float* const* v, float* const* out) {
  int64_t c0 = 0;
  for (; c0 + kWideLane <= kp; c0 += kWideLane) GramBlockTimesBatch<G, 4>(gram, kp, c0, v, out);
  for (; c0 < kp; c0 += kLane) GramBlockTimesBatch<G, 1>(gram, kp, c0, v, out);
}

void GramTimesBatch(const float* gram, int64_t kp, const float* const* v, int g,
                    float* const* out) {
  static_assert(kMaxBatch == 4);
  switch (g) {
    case 1:
      GramTimesBatchOf<1>(gram, kp, v, out);
      break;
    case 2:
      GramTimesBatchOf<2>(gram, kp, v, out);
      break;
    case 3:
      GramTimesBatchOf<3>(gram, kp, v, out);
      break;
    default:
      GramTimesBatchOf<4>(gram, kp, v, out);
      break;
  }
}

// out = (A − P) v, or (A − P) v − b with minus_b (padded vectors): the
// diagonal and the row's own entries, everything but the shared gram.
void ApplyWithoutGram(const CgRow& s, const float* v, bool minus_b, float* out) {
  const int64_t kp = s.kp;
  for (int64_t i = 0; i < kp; i += kLane) Lanes(out + i) = s.lambda * Lanes(v + i);
  // Blocks of rows small enough to stay in L1 between the two passes, so a
  // long row's gathered factors stream from memory once per product.
  for (int64_t e0 = 0; e0 < s.nnz; e0 += kRowsPerBlock) {
    const int64_t n = std::min(kRowsPerBlock, s.nnz - e0);
    const float* const* rows = s.rows + e0;
    float* dots = s.dots + e0;
    RowDots(rows, n, kp, v, s.zero_row, dots);
    if (minus_b) {
      // b = Σ_e w_e y_e rides along: A v − b = … + Σ_e (c_e (y_e·v) − w_e) y_e.
      for (int64_t e = 0; e < n; ++e) dots[e] = dots[e] * s.confidence[e0 + e] - s.weights[e0 + e];
    } else {
      for (int64_t e = 0; e < n; ++e) dots[e] *= s.confidence[e0 + e];
    }
    AccumulateRows(rows, dots, n, kp, out);
  }
}

}  // namespace

RECOTEM_MULTIVERSION void SolveCgBatch(const CgRow* batch, int g, int64_t steps, bool warm_start,
                                       float* const* x_rows) {
  const int64_t kp = batch[0].kp;
  const float* gram = batch[0].gram;
  const float* in[kMaxBatch];
  float* out[kMaxBatch];
  float rs[kMaxBatch];
  bool active[kMaxBatch];
  if (warm_start) {
    for (int b = 0; b < g; ++b) {
      const CgRow& s = batch[b];
      std::copy(x_rows[b], x_rows[b] + s.k, s.x);
      ApplyWithoutGram(s, s.x, /*minus_b=*/true, s.ap);
      in[b] = s.x;
      out[b] = s.ap;
    }
    GramTimesBatch(gram, kp, in, g, out);  // A x − b
  }
  for (int b = 0; b < g; ++b) {
    const CgRow& s = batch[b];
    if (warm_start) {
      for (int64_t j = 0; j < kp; ++j) s.r[j] = -s.ap[j];
    } else {
      std::fill(s.x, s.x + kp, 0.0f);
      std::fill(s.r, s.r + kp, 0.0f);
      AccumulateRows(s.rows, s.weights, s.nnz, kp, s.r);  // r = b − A·0
    }
    std::copy(s.r, s.r + kp, s.p);
    rs[b] = Dot(s.r, s.r, kp);
    active[b] = true;
  }
  // Row by row this is SolveCg's loop; a row leaves the batch where SolveCg
  // would have stopped.
  for (int64_t it = 0; it < steps; ++it) {
    int n = 0;
    for (int b = 0; b < g; ++b) {
      active[b] = active[b] && rs[b] > kCgResidualSquaredTolerance;
      if (!active[b]) continue;
      ApplyWithoutGram(batch[b], batch[b].p, /*minus_b=*/false, batch[b].ap);
      in[n] = batch[b].p;
      out[n] = batch[b].ap;
      ++n;
    }
    if (n == 0) break;
    GramTimesBatch(gram, kp, in, n, out);
    for (int b = 0; b < g; ++b) {
      if (!active[b]) continue;
      const CgRow& s = batch[b];
      const float p_ap = Dot(s.p, s.ap, kp);
      if (!(p_ap > 0.0f) || !std::isfinite(p_ap)) {  // singular direction: keep x
        active[b] = false;
        continue;
      }
      const float alpha = rs[b] / p_ap;
      const float rs_new = StepAndResidual(alpha, s.p, s.ap, kp, s.x, s.r);
      const float ratio = rs_new / rs[b];
      for (int64_t j = 0; j < kp; j += kLane) {
        Lanes(s.p + j) = Lanes(s.r + j) + ratio * Lanes(s.p + j);
      }
      rs[b] = rs_new;
    }
  }
  for (int b = 0; b < g; ++b) std::copy(batch[b].x, batch[b].x + batch[b].k, x_rows[b]);
}

void SolveCg(const CgRow& row, int64_t steps, bool warm_start, float* x_row) {
  float* x_rows[1] = {x_row};
  SolveCgBatch(&row, 1, steps, warm_start, x_rows);
}

void FillEntryWeights(IalsSide& side, std::vector<float>& confidence, std::vector<float>& weights) {
  const std::vector<float>& x = side.rows->values;
  // Without log scaling c_e is the stored value, and with β = 0 (the
  // iALS++ loss) the weights are the confidences: no copy is made then.
  confidence.clear();
  weights.clear();
  if (side.log_confidence) {
    confidence.resize(x.size());
    for (size_t e = 0; e < x.size(); ++e) {
      confidence[e] = static_cast<float>(std::log1p(static_cast<double>(x[e]) / side.epsilon));
    }
    side.confidence = confidence;
  } else {
    side.confidence = x;
  }
  if (side.beta != 0.0f) {
    weights.resize(x.size());
    for (size_t e = 0; e < x.size(); ++e) weights[e] = side.confidence[e] + side.beta;
    side.weights = weights;
  } else {
    side.weights = side.confidence;
  }
}

IalsRowSolver::IalsRowSolver(const IalsSide& side, int64_t max_nnz)
    : side_(side), kp_(PaddedFactorCount(std::max<int64_t>(side.k, 1))) {
  if (side.confidence.size() != side.rows->values.size() ||
      side.weights.size() != side.rows->values.size()) {
    throw std::invalid_argument("IalsRowSolver: the side's entry weights are not filled");
  }
  const int64_t max_ld = std::max<int64_t>(max_nnz, 1);
  // Rows are read in place when they are padded already, are not needed
  // contiguously (Cholesky) and the whole factor matrix fits in the L2 cache;
  // otherwise they are gathered into a padded contiguous copy.
  direct_ = Stride() == kp_ && !side.cholesky &&
            static_cast<int64_t>(side.rows->n_cols) * kp_ * static_cast<int64_t>(sizeof(float)) <=
                kDirectMaxBytes;
  if (!direct_) row_major_.assign(static_cast<size_t>(max_ld * kp_), 0.0f);
  rows_.assign(static_cast<size_t>(max_ld), nullptr);
  dots_.assign(static_cast<size_t>(RoundUp(max_ld, kLane)), 0.0f);
  zero_row_.assign(static_cast<size_t>(kp_), 0.0f);
  for (AlignedVector<float>* v : {&b_, &x_, &r_, &p_, &ap_}) {
    v->assign(static_cast<size_t>(kp_), 0.0f);
  }
}

int64_t IalsRowSolver::Stride() const {
  return side_.other_stride > 0 ? side_.other_stride : side_.k;
}

void IalsRowSolver::Gather(int32_t row, int64_t nnz) {
  const int64_t k = side_.k;
  const int64_t stride = Stride();
  const int64_t first = side_.rows->indptr[row];
  std::span<const int32_t> items = side_.rows->RowIndices(row);
  nnz_ = nnz;
  confidence_ = side_.confidence.data() + first;
  weights_ = side_.weights.data() + first;
  if (direct_) {
    for (int64_t e = 0; e < nnz; ++e) {
      rows_[e] = side_.other + static_cast<int64_t>(items[e]) * stride;
    }
  } else {
    for (int64_t e = 0; e < nnz; ++e) {
      // The factor rows are scattered over memory (e.g. users of a popular
      // item): request a later row while copying this one.
      if (e + kPrefetchDistance < nnz) {
        const char* ahead = reinterpret_cast<const char*>(
            side_.other + static_cast<int64_t>(items[e + kPrefetchDistance]) * stride);
        for (int64_t byte = 0; byte < k * static_cast<int64_t>(sizeof(float)); byte += kCacheLine) {
          __builtin_prefetch(ahead + byte);
        }
      }
      const float* source = side_.other + static_cast<int64_t>(items[e]) * stride;
      float* target = row_major_.data() + e * kp_;
#pragma omp simd
      for (int64_t i = 0; i < k; ++i) target[i] = source[i];
      rows_[e] = target;
    }
  }
  const double mass =
      side_.alpha0 * static_cast<double>(side_.rows->n_cols) + static_cast<double>(nnz);
  lambda_ = static_cast<float>(side_.reg * (side_.nu == 1.0 ? mass : std::pow(mass, side_.nu)));
}

void IalsRowSolver::SolveCholesky(float lambda, float* x_row) {
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int64_t k = side_.k;
  Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>> y(row_major_.data(), nnz_, k,
                                                         Eigen::OuterStride<>(kp_));
  Eigen::Map<const Eigen::VectorXf> c(confidence_, nnz_);
  Eigen::MatrixXf a = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>(
      side_.gram, k, k, Eigen::OuterStride<>(kp_));
  a.noalias() += y.transpose() * c.asDiagonal() * y;
  a.diagonal().array() += lambda;
  Eigen::Map<Eigen::VectorXf>(x_row, k) =
      a.llt().solve(Eigen::Map<const Eigen::VectorXf>(b_.data(), k));
}

bool IalsRowSolver::Begin(int32_t row, float* x_row) {
  const int64_t nnz = side_.rows->indptr[row + 1] - side_.rows->indptr[row];
  if (nnz == 0) {
    std::fill(x_row, x_row + side_.k, 0.0f);
    return false;
  }
  Gather(row, nnz);
  return true;
}

std::optional<CgRow> IalsRowSolver::PrepareCg(int32_t row, float* x_row) {
  if (!Begin(row, x_row)) return std::nullopt;
  return CgRow{rows_.data(), confidence_, weights_,         nnz_,         side_.gram, side_.k,
               kp_,          lambda_,     zero_row_.data(), dots_.data(), x_.data(),  r_.data(),
               p_.data(),    ap_.data()};
}

void IalsRowSolver::Solve(int32_t row, int64_t cg_steps, bool warm_start, float* x_row) {
  if (side_.cholesky) {
    if (!Begin(row, x_row)) return;
    std::fill(b_.begin(), b_.end(), 0.0f);
    AccumulateRows(rows_.data(), weights_, nnz_, kp_, b_.data());
    SolveCholesky(lambda_, x_row);
    return;
  }
  std::optional<CgRow> problem = PrepareCg(row, x_row);
  if (problem) SolveCg(*problem, cg_steps > 0 ? cg_steps : side_.k, warm_start, x_row);
}

}  // namespace recotem
