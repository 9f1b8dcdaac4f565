#include "recotem/algo/ials_row_solver.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

#include "test_matrices.h"

namespace recotem {
namespace {

// Solves the dense system a x = b by Gaussian elimination (test reference).
std::vector<double> SolveDense(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t c = n; c-- > 0;) {
    double s = b[c];
    for (size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return x;
}

struct Problem {
  CsrMatrix rows;
  std::vector<float> other, gram, confidence, weights;
  IalsSide side;
};

// Random factors for p.rows's columns (normal, `stddev`), their gram
// alpha0 · OᵀO (padded as IalsSide::gram), and the side fields that point
// at them.
void FillFactors(Problem& p, int64_t k, float stddev, double alpha0, std::mt19937& rng) {
  const int64_t n_other = p.rows.n_cols;
  std::normal_distribution<float> normal(0.0f, stddev);
  p.other.resize(static_cast<size_t>(n_other * k));
  for (float& v : p.other) v = normal(rng);
  const int64_t kp = PaddedFactorCount(k);
  p.gram.assign(static_cast<size_t>(kp * kp), 0.0f);
  for (int64_t i = 0; i < n_other; ++i) {
    for (int64_t a = 0; a < k; ++a) {
      for (int64_t b = 0; b < k; ++b) {
        p.gram[a * kp + b] += static_cast<float>(alpha0) * p.other[i * k + a] * p.other[i * k + b];
      }
    }
  }
  p.side.rows = &p.rows;
  p.side.other = p.other.data();
  p.side.k = k;
  p.side.gram = p.gram.data();
  p.side.alpha0 = alpha0;
}

// One user with 6 entries (values 1..3) against 9 random item vectors.
Problem MakeProblem(int64_t k, double alpha0, bool original_loss) {
  Problem p;
  p.rows = testing::FromDense({{1, 0, 2, 0, 1, 3, 0, 1, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 0}});
  std::mt19937 rng(7);
  FillFactors(p, k, 0.5f, alpha0, rng);
  p.side.reg = 0.05;
  p.side.nu = 1.0;
  p.side.beta = original_loss ? static_cast<float>(alpha0) : 0.0f;
  FillEntryWeights(p.side, p.confidence, p.weights);
  return p;
}

// The solution of the row-0 system in double, with c_e = confidence(x_e).
std::vector<double> Reference(
    const Problem& p, double (*confidence)(double) = [](double x) { return x; }) {
  const int64_t k = p.side.k;
  const int64_t kp = PaddedFactorCount(k);
  std::vector<std::vector<double>> a(k, std::vector<double>(k, 0.0));
  std::vector<double> b(k, 0.0);
  auto items = p.rows.RowIndices(0);
  auto values = p.rows.RowValues(0);
  const double lambda =
      p.side.reg * std::pow(p.side.alpha0 * 9 + static_cast<double>(items.size()), p.side.nu);
  for (int64_t r = 0; r < k; ++r) {
    for (int64_t c = 0; c < k; ++c) a[r][c] = p.gram[r * kp + c];
    a[r][r] += lambda;
  }
  for (size_t e = 0; e < items.size(); ++e) {
    const float* v = p.other.data() + items[e] * k;
    const double c_e = confidence(values[e]);
    for (int64_t r = 0; r < k; ++r) {
      b[r] += (c_e + p.side.beta) * v[r];
      for (int64_t c = 0; c < k; ++c) a[r][c] += c_e * v[r] * v[c];
    }
  }
  return SolveDense(a, b);
}

TEST(IalsRowSolver, CholeskyAndFullLengthCgSolveTheNormalEquations) {
  for (int64_t k : {3, 16, 21}) {
    for (bool original : {false, true}) {
      Problem p = MakeProblem(k, 0.4, original);
      std::vector<double> expected = Reference(p);
      for (bool cholesky : {true, false}) {
        p.side.cholesky = cholesky;
        IalsRowSolver solver(p.side, 9);
        std::vector<float> x(static_cast<size_t>(k), 0.0f);
        solver.Solve(0, /*cg_steps=*/0, /*warm_start=*/false, x.data());
        for (int64_t j = 0; j < k; ++j) {
          EXPECT_NEAR(x[j], expected[j], 2e-3 * (1.0 + std::fabs(expected[j])))
              << "k=" << k << " cholesky=" << cholesky << " original=" << original;
        }
      }
    }
  }
}

TEST(IalsRowSolver, LogConfidenceSolvesWithTheScaledEntries) {
  Problem p = MakeProblem(16, 0.4, true);
  p.side.log_confidence = true;
  p.side.epsilon = 0.5;
  FillEntryWeights(p.side, p.confidence, p.weights);
  std::vector<double> expected = Reference(p, [](double x) { return std::log1p(x / 0.5); });
  IalsRowSolver solver(p.side, 9);
  std::vector<float> x(16, 0.0f);
  solver.Solve(0, /*cg_steps=*/0, /*warm_start=*/false, x.data());
  for (int64_t j = 0; j < 16; ++j) {
    EXPECT_NEAR(x[j], expected[j], 2e-3 * (1.0 + std::fabs(expected[j]))) << j;
  }
}

TEST(IalsRowSolver, RefusesASideWithoutEntryWeights) {
  Problem p = MakeProblem(4, 0.4, false);
  p.side.confidence = {};
  EXPECT_THROW(IalsRowSolver(p.side, 9), std::invalid_argument);
}

TEST(IalsRowSolver, FewCgStepsFromAWarmStartImproveTheResidual) {
  Problem p = MakeProblem(8, 0.2, false);
  std::vector<double> expected = Reference(p);
  IalsRowSolver solver(p.side, 9);
  std::vector<float> x(8, 0.0f);
  auto error = [&] {
    double e = 0;
    for (int j = 0; j < 8; ++j) e += (x[j] - expected[j]) * (x[j] - expected[j]);
    return e;
  };
  double before = error();
  solver.Solve(0, 1, /*warm_start=*/true, x.data());
  double after_one = error();
  solver.Solve(0, 3, /*warm_start=*/true, x.data());
  EXPECT_LT(after_one, before);
  EXPECT_LT(error(), after_one);
}

TEST(IalsRowSolver, RowWithoutEntriesIsZero) {
  Problem p = MakeProblem(4, 0.4, false);
  IalsRowSolver solver(p.side, 9);
  std::vector<float> x = {1, 2, 3, 4};
  solver.Solve(1, 3, true, x.data());
  EXPECT_EQ(x, (std::vector<float>{0, 0, 0, 0}));
}

// Six rows (one of them empty) against 30 random item vectors.
Problem MakeWideProblem(int64_t k) {
  Problem p;
  std::mt19937 rng(11);
  std::vector<std::vector<float>> dense(6, std::vector<float>(30, 0.0f));
  for (int r = 0; r < 6; ++r) {
    if (r == 3) continue;
    for (int c = 0; c < 30; ++c) {
      if (rng() % 3 == 0) dense[r][c] = static_cast<float>(1 + rng() % 4);
    }
  }
  p.rows = testing::FromDense(dense);
  FillFactors(p, k, 0.3f, 0.3, rng);
  p.side.reg = 0.01;
  FillEntryWeights(p.side, p.confidence, p.weights);
  return p;
}

TEST(SolveCgBatch, GivesEachRowTheResultOfItsOwnSolve) {
  for (int64_t k : {5, 21, 70}) {
    for (bool warm : {false, true}) {
      Problem p = MakeWideProblem(k);
      std::vector<float> start(static_cast<size_t>(6 * k));
      std::mt19937 rng(3);
      std::normal_distribution<float> normal(0.0f, 0.1f);
      for (float& v : start) v = normal(rng);
      std::vector<float> single = start;
      IalsRowSolver one(p.side, 30);
      for (int32_t r = 0; r < 6; ++r) one.Solve(r, 3, warm, single.data() + r * k);

      std::vector<float> batched = start;
      std::vector<std::unique_ptr<IalsRowSolver>> solvers;
      for (int i = 0; i < kMaxBatch; ++i)
        solvers.push_back(std::make_unique<IalsRowSolver>(p.side, 30));
      CgRow batch[kMaxBatch];
      float* x_rows[kMaxBatch];
      int g = 0;
      for (int32_t r = 0; r < 6; ++r) {
        float* x = batched.data() + r * k;
        std::optional<CgRow> problem = solvers[g]->PrepareCg(r, x);
        if (!problem) continue;
        batch[g] = *problem;
        x_rows[g] = x;
        if (++g == kMaxBatch) {
          SolveCgBatch(batch, g, 3, warm, x_rows);
          g = 0;
        }
      }
      SolveCgBatch(batch, g, 3, warm, x_rows);  // the last row, alone
      for (size_t j = 0; j < single.size(); ++j) {
        EXPECT_NEAR(batched[j], single[j], 1e-4 * (1.0 + std::fabs(single[j])))
            << "k=" << k << " warm=" << warm << " entry " << j;
      }
      for (int64_t j = 0; j < k; ++j) EXPECT_EQ(batched[3 * k + j], 0.0f);  // the empty row
    }
  }
}

}  // namespace
}  // namespace recotem
