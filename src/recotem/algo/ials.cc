#include "recotem/algo/ials.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "recotem/algo/aligned_vector.h"
#include "recotem/algo/factor_scoring.h"
#include "recotem/algo/hyper_params.h"
#include "recotem/algo/ials_row_solver.h"
#include "recotem/algo/parallel_for.h"

namespace recotem {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Matrix = Eigen::MatrixXf;
// Rows per work chunk when updating factors and when summing Gram matrices.
constexpr int64_t kRowsPerChunk = 16;
// Rows with more entries than this are not batched (UpdateSide).
constexpr int64_t kBatchMaxNnz = 256;
constexpr int64_t kGramRowsPerChunk = 512;
constexpr int64_t kMaxComponents = 100000;

constexpr const char* kUserFactors = "user_factors";
constexpr const char* kItemFactors = "item_factors";

IALSParams ParseParams(const HyperParams& params) {
  constexpr double kMax = std::numeric_limits<double>::max();
  constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
  ParamReader reader(params, IALSRecommender::kClassName);
  IALSParams p;
  p.n_components = reader.Int("n_components", p.n_components, 1, kMaxComponents);
  p.alpha0 = reader.Double("alpha0", p.alpha0, 0.0, kMax);
  p.reg = reader.Double("reg", p.reg, 0.0, kMax);
  p.nu = reader.Double("nu", p.nu, 0.0, kMax);
  p.confidence_scaling = reader.Choice("confidence_scaling", "none", {"none", "log"}) == "log"
                             ? IALSParams::Scaling::kLog
                             : IALSParams::Scaling::kNone;
  p.epsilon = reader.Double("epsilon", p.epsilon, std::numeric_limits<double>::min(), kMax);
  p.init_std = reader.Double("init_std", p.init_std, std::numeric_limits<double>::min(), kMax);
  p.solver = reader.Choice("solver_type", "CG", {"CG", "CHOLESKY"}) == "CHOLESKY"
                 ? IALSParams::Solver::kCholesky
                 : IALSParams::Solver::kConjugateGradient;
  p.max_cg_steps = reader.Int("max_cg_steps", p.max_cg_steps, 0, kMaxInt);
  p.loss = reader.Choice("loss_type", "IALSPP", {"IALSPP", "ORIGINAL"}) == "ORIGINAL"
               ? IALSParams::Loss::kOriginal
               : IALSParams::Loss::kIalsPlusPlus;
  double nu_star = reader.Double("nu_star", -1.0, 0.0, kMax);
  if (nu_star >= 0.0) p.nu_star = nu_star;
  p.random_seed = reader.Int("random_seed", p.random_seed, std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max());
  p.train_epochs = reader.Int("train_epochs", p.train_epochs, 0, kMaxInt);
  p.prediction_time_max_cg_steps =
      reader.Int("prediction_time_max_cg_steps", p.prediction_time_max_cg_steps, 0, kMaxInt);
  reader.Finish();
  return p;
}

std::mt19937 SeededRng(int64_t seed) {
  auto bits = static_cast<uint64_t>(seed);
  if (bits <= UINT32_MAX) return std::mt19937(static_cast<uint32_t>(bits));
  std::seed_seq seq{static_cast<uint32_t>(bits), static_cast<uint32_t>(bits >> 32)};
  return std::mt19937(seq);
}

// scale · FᵀF for the row-major n × k factors F (rows `stride` floats
// apart), summed over fixed chunks (so the result does not depend on the
// thread count), padded with zeros as IalsSide::gram.
AlignedVector<float> ScaledGram(const float* factors, int64_t n, int64_t k, int64_t stride,
                                double scale, int n_threads) {
  const int64_t n_chunks = (n + kGramRowsPerChunk - 1) / kGramRowsPerChunk;
  std::vector<Matrix> partial(static_cast<size_t>(n_chunks));
  ParallelFor(n_chunks, 1, n_threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t first = c * kGramRowsPerChunk;
      const int64_t rows = std::min(n, first + kGramRowsPerChunk) - first;
      Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>> f(factors + first * stride, rows, k,
                                                             Eigen::OuterStride<>(stride));
      partial[c].noalias() = f.transpose() * f;
    }
  });
  Matrix sum = Matrix::Zero(k, k);
  for (const Matrix& m : partial) sum += m;
  sum *= static_cast<float>(scale);
  const int64_t kp = PaddedFactorCount(k);
  AlignedVector<float> out(static_cast<size_t>(kp * kp), 0.0f);
  Eigen::Map<Matrix, 0, Eigen::OuterStride<>>(out.data(), k, k, Eigen::OuterStride<>(kp)) = sum;
  return out;
}

// Copies the n rows of k floats in `from` (rows `from_stride` apart) to rows
// `to_stride` apart in `to`; padding floats of `to` are left as they are.
void CopyRows(const float* from, int64_t from_stride, int64_t n, int64_t k, float* to,
              int64_t to_stride) {
  for (int64_t r = 0; r < n; ++r) std::copy_n(from + r * from_stride, k, to + r * to_stride);
}

int64_t MaxRowLength(const CsrMatrix& m) {
  int64_t longest = 0;
  for (int32_t r = 0; r < m.n_rows; ++r) longest = std::max(longest, m.indptr[r + 1] - m.indptr[r]);
  return longest;
}

// One side of the epoch with its entry weights and per-thread solvers, kept
// across epochs so their (possibly large) buffers are made once per fit.
struct SideUpdater {
  SideUpdater(IalsSide s, const CsrMatrix& rows) : side(s), longest(MaxRowLength(rows)) {
    FillEntryWeights(side, confidence, weights);
  }
  IalsSide side;
  int64_t longest = 0;
  std::vector<float> confidence, weights;
  std::vector<std::unique_ptr<IalsRowSolver>> solvers;
};

// Updates every row of `factors` (side.rows->n_rows rows of k floats,
// `stride` floats apart), warm-started.
// Short CG rows (≤ kBatchMaxNnz entries) are solved kMaxBatch at a time
// (SolveCgBatch), so the shared gram product reads P once per batch: 1.35×
// faster fits at k = 128–192, where P outgrows the L1 cache, ~5 % at k = 64.
// Longer rows are solved one by one: four of them interleaved would push each
// other's factors out of the caches. Each worker owns one solver for single
// rows (scratch for the longest row) and kMaxBatch small ones.
void UpdateSide(SideUpdater& updater, int64_t cg_steps, AlignedVector<float>& factors,
                int64_t stride, const FitOptions& options) {
  const IalsSide& side = updater.side;
  const CsrMatrix& rows = *side.rows;
  const int64_t k = side.k;
  const int64_t steps = cg_steps > 0 ? cg_steps : k;
  const bool batched = !side.cholesky;
  const size_t slots = batched ? 1 + kMaxBatch : 1;
  const int workers = ParallelWorkers(rows.n_rows, kRowsPerChunk, options.n_threads);
  auto& solvers = updater.solvers;
  const size_t needed = static_cast<size_t>(workers) * slots;
  if (solvers.size() < needed) solvers.resize(needed);
  ParallelFor(rows.n_rows, kRowsPerChunk, options.n_threads,
              [&](int64_t begin, int64_t end, int w) {
                if (options.stop.stop_requested()) throw FitCancelled();
                auto solver = [&](int slot) -> IalsRowSolver& {
                  std::unique_ptr<IalsRowSolver>& s =
                      solvers[static_cast<size_t>(w) * slots + static_cast<size_t>(slot)];
                  if (!s) {
                    const int64_t capacity =
                        slot == 0 ? updater.longest : std::min(updater.longest, kBatchMaxNnz);
                    s = std::make_unique<IalsRowSolver>(side, capacity);
                  }
                  return *s;
                };
                CgRow batch[kMaxBatch];
                float* x_rows[kMaxBatch];
                int g = 0;
                for (int64_t row = begin; row < end; ++row) {
                  float* x_row = factors.data() + row * stride;
                  const auto r = static_cast<int32_t>(row);
                  if (!batched || rows.indptr[row + 1] - rows.indptr[row] > kBatchMaxNnz) {
                    solver(0).Solve(r, cg_steps, /*warm_start=*/true, x_row);
                    continue;
                  }
                  std::optional<CgRow> problem = solver(1 + g).PrepareCg(r, x_row);
                  if (!problem) continue;
                  batch[g] = *problem;
                  x_rows[g] = x_row;
                  if (++g == kMaxBatch) {
                    SolveCgBatch(batch, g, steps, /*warm_start=*/true, x_rows);
                    g = 0;
                  }
                }
                if (g > 0) SolveCgBatch(batch, g, steps, /*warm_start=*/true, x_rows);
              });
}

IalsSide MakeSide(const IALSParams& p, const CsrMatrix& rows, double reg) {
  IalsSide side;
  side.rows = &rows;
  side.k = p.n_components;
  side.alpha0 = p.alpha0;
  side.reg = reg;
  side.nu = p.nu;
  side.beta = p.loss == IALSParams::Loss::kOriginal ? static_cast<float>(p.alpha0) : 0.0f;
  side.log_confidence = p.confidence_scaling == IALSParams::Scaling::kLog;
  side.epsilon = p.epsilon;
  side.cholesky = p.solver == IALSParams::Solver::kCholesky;
  return side;
}

// Σ_u (nnz_u + α0·n_items)^ν + Σ_i (nnz_i + α0·n_users)^ν (nu_star rescaling).
double RegularisationMass(const CsrMatrix& x, const CsrMatrix& xt, double alpha0, double nu) {
  double mass = 0;
  for (int32_t u = 0; u < x.n_rows; ++u) {
    mass += std::pow(static_cast<double>(x.indptr[u + 1] - x.indptr[u]) + alpha0 * x.n_cols, nu);
  }
  for (int32_t i = 0; i < xt.n_rows; ++i) {
    mass += std::pow(static_cast<double>(xt.indptr[i + 1] - xt.indptr[i]) + alpha0 * x.n_rows, nu);
  }
  return mass;
}

}  // namespace

IALSRecommender::IALSRecommender(const HyperParams& params) : params_(ParseParams(params)) {}

recotem::SearchSpace IALSRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("n_components", 4, 300),
      ParamDistribution::FloatLog("alpha0", 3e-3, 1.0),
      ParamDistribution::FloatLog("reg", 1e-4, 1e-1),
  };
}

std::vector<std::string> IALSRecommender::ParameterNames() {
  return {"n_components",
          "alpha0",
          "reg",
          "nu",
          "confidence_scaling",
          "epsilon",
          "init_std",
          "solver_type",
          "max_cg_steps",
          "loss_type",
          "nu_star",
          "random_seed",
          "train_epochs",
          "prediction_time_max_cg_steps"};
}

HyperParams IALSRecommender::params() const {
  const IALSParams& p = params_;
  HyperParams out = HyperParams::object();
  out["n_components"] = p.n_components;
  out["alpha0"] = p.alpha0;
  out["reg"] = p.reg;
  out["nu"] = p.nu;
  out["confidence_scaling"] = p.confidence_scaling == IALSParams::Scaling::kLog ? "log" : "none";
  out["epsilon"] = p.epsilon;
  out["init_std"] = p.init_std;
  out["solver_type"] = p.solver == IALSParams::Solver::kCholesky ? "CHOLESKY" : "CG";
  out["max_cg_steps"] = p.max_cg_steps;
  out["loss_type"] = p.loss == IALSParams::Loss::kOriginal ? "ORIGINAL" : "IALSPP";
  out["nu_star"] = p.nu_star ? HyperParams(*p.nu_star) : HyperParams(nullptr);
  out["random_seed"] = p.random_seed;
  out["train_epochs"] = user_factors_.empty() ? p.train_epochs : epochs_trained_;
  out["prediction_time_max_cg_steps"] = p.prediction_time_max_cg_steps;
  return out;
}

void IALSRecommender::FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) {
  const IALSParams& p = params_;
  const int64_t k = p.n_components;
  n_users_ = user_items.n_rows;
  n_items_ = user_items.n_cols;
  const CsrMatrix item_users = user_items.Transposed();
  // Initialisation: U then V, each from its own generator seeded alike.
  const float init_scale = static_cast<float>(p.init_std / std::sqrt(static_cast<double>(k)));
  auto init = [&](AlignedVector<float>& f, int64_t n_rows) {
    std::mt19937 rng = SeededRng(p.random_seed);
    std::normal_distribution<float> normal(0.0f, init_scale);
    f.resize(static_cast<size_t>(n_rows * k));
    for (float& v : f) v = normal(rng);
  };
  // The two draws are independent: run them side by side (same values as
  // one after the other).
  ParallelFor(2, 1, options.n_threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t side = begin; side < end; ++side) {
      if (side == 0) {
        init(user_factors_, n_users_);
      } else {
        init(item_factors_, n_items_);
      }
    }
  });

  double reg = p.reg;
  if (p.nu_star) {
    reg *= RegularisationMass(user_items, item_users, p.alpha0, *p.nu_star) /
           RegularisationMass(user_items, item_users, p.alpha0, p.nu);
  }
  SideUpdater users(MakeSide(p, user_items, reg), user_items);
  SideUpdater items(MakeSide(p, item_users, reg), item_users);
  const int64_t max_epochs = options.max_epochs > 0 ? options.max_epochs : p.train_epochs;
  epochs_trained_ = 0;
  // The epochs run on cache-line-aligned copies of the factors whose rows
  // are padded with zeros to whole vectors, so the solvers read them in
  // place; they are copied back into the model before on_epoch (which may
  // score it) and at the end.
  const int64_t stride = PaddedFactorCount(k);
  AlignedVector<float> user_work(static_cast<size_t>(n_users_ * stride), 0.0f);
  AlignedVector<float> item_work(static_cast<size_t>(n_items_ * stride), 0.0f);
  CopyRows(user_factors_.data(), k, n_users_, k, user_work.data(), stride);
  CopyRows(item_factors_.data(), k, n_items_, k, item_work.data(), stride);
  users.side.other_stride = stride;
  items.side.other_stride = stride;
  // item_gram_ (alpha0 · VᵀV) is both the users' P and what ScoreProfiles
  // needs, so it is kept current after every epoch.
  item_gram_ = ScaledGram(item_work.data(), n_items_, k, stride, p.alpha0, options.n_threads);
  for (int64_t epoch = 0; epoch < max_epochs; ++epoch) {
    if (options.stop.stop_requested()) throw FitCancelled();
    users.side.other = item_work.data();
    users.side.gram = item_gram_.data();
    UpdateSide(users, p.max_cg_steps, user_work, stride, options);
    AlignedVector<float> user_gram =
        ScaledGram(user_work.data(), n_users_, k, stride, p.alpha0, options.n_threads);
    items.side.other = user_work.data();
    items.side.gram = user_gram.data();
    UpdateSide(items, p.max_cg_steps, item_work, stride, options);
    item_gram_ = ScaledGram(item_work.data(), n_items_, k, stride, p.alpha0, options.n_threads);
    epochs_trained_ = epoch + 1;
    const bool last = epochs_trained_ == max_epochs;
    const bool callback = CallsOnEpoch(options, static_cast<int>(epochs_trained_));
    if (callback || last) {
      CopyRows(user_work.data(), stride, n_users_, k, user_factors_.data(), k);
      CopyRows(item_work.data(), stride, n_items_, k, item_factors_.data(), k);
    }
    if (callback && options.on_epoch(static_cast<int>(epochs_trained_)) == EpochVerdict::kStop) {
      break;
    }
  }
}

void IALSRecommender::UpdateItemGram(int n_threads) {
  const int64_t k = params_.n_components;
  item_gram_ = ScaledGram(item_factors_.data(), n_items_, k, k, params_.alpha0, n_threads);
}

std::optional<FactorModelView> IALSRecommender::factor_view() const {
  return FactorModelView{kClassName, user_factors_, item_factors_,
                         n_users_,   n_items_,      params_.n_components};
}

void IALSRecommender::ScoreUsers(const CsrMatrix& /*interactions*/, std::span<const int32_t> users,
                                 std::span<float> out) const {
  ScoreUserFactors(*factor_view(), users, out);
}

void IALSRecommender::ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const {
  const int64_t k = params_.n_components;
  if (profiles.n_cols != n_items_ ||
      out.size() != static_cast<size_t>(profiles.n_rows) * static_cast<size_t>(n_items_)) {
    throw std::invalid_argument("IALSRecommender: profiles or output have the wrong shape");
  }
  IalsSide side = MakeSide(params_, profiles, params_.reg);
  side.other = item_factors_.data();
  side.gram = item_gram_.data();
  side.cholesky = false;  // new users are always solved by CG (algorithms.md §2.4)
  std::vector<float> confidence, weights;
  FillEntryWeights(side, confidence, weights);
  IalsRowSolver solver(side, MaxRowLength(profiles));
  RowMatrix embeddings(profiles.n_rows, k);
  for (int32_t r = 0; r < profiles.n_rows; ++r) {
    solver.Solve(r, params_.prediction_time_max_cg_steps, /*warm_start=*/false,
                 embeddings.row(r).data());
  }
  Eigen::Map<const RowMatrix> v(item_factors_.data(), n_items_, k);
  Eigen::Map<RowMatrix> scores(out.data(), profiles.n_rows, n_items_);
  scores.noalias() = embeddings * v.transpose();
}

void IALSRecommender::Save(TensorMap& out) const {
  const int64_t k = params_.n_components;
  SaveHyperParams(params(), out);
  out.Put<float>(kUserFactors, std::span<const float>(user_factors_), {n_users_, k});
  out.Put<float>(kItemFactors, std::span<const float>(item_factors_), {n_items_, k});
}

void IALSRecommender::Load(const TensorMap& in, int32_t n_items) {
  IALSParams p = ParseParams(LoadHyperParams(in));
  const int64_t k = p.n_components;
  std::vector<float> items = in.Get<float>(kItemFactors, {n_items, k});
  std::vector<float> users = in.Get<float>(kUserFactors, {-1, k});
  params_ = p;
  epochs_trained_ = p.train_epochs;
  n_items_ = n_items;
  n_users_ = static_cast<int32_t>(users.size() / static_cast<size_t>(k));
  user_factors_ = ToAligned(users);
  item_factors_ = ToAligned(items);
  UpdateItemGram(1);
}

}  // namespace recotem
