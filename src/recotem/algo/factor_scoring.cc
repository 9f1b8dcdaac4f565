#include "recotem/algo/factor_scoring.h"

#include <Eigen/Core>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>

#include "recotem/algo/multiversion.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/vec16.h"

namespace recotem {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// out[b][i] = v[i] · u_b for the n rows of v (row-major n × k) and the few
// users u_b of a serving batch (≤ kExactScoreBatchUsers). Every score is summed in
// one order whichever users share the call: 16-float chunks accumulate in a
// register over the first k16 = k − k mod 16 columns, the register's lanes
// are summed by SumLanesOfSixteen's tree (the same tree for every position
// of its 16 outputs), then the last k mod 16 columns are added one by one;
// the last n mod 4 rows are plain dot products. Four users × four rows share
// each loaded chunk (16 accumulators), so V passes through the cache once per
// four users instead of once per user — a 50,000 × 128 V stops being read
// from memory for every request of a batch. Users left over (the batch size
// mod 4) run 16 rows at a time, then 4.
class ExactScorer {
 public:
  ExactScorer(const float* v, int64_t n, int64_t k, std::span<const float* const> users, float* out)
      : v_(v), n_(n), k_(k), k16_(k / 16 * 16), users_(users), out_(out) {}

  void Run() {
    const auto n_users = static_cast<int64_t>(users_.size());
    const int64_t n4 = k16_ > 0 ? n_ / 4 * 4 : 0;
    const int64_t quads = n_users / 4 * 4;
    for (int64_t i = 0; i < n4; i += 4) {
      for (int64_t b = 0; b < quads; b += 4) FourUsersFourRows(b, i);
    }
    for (int64_t b = quads; b < n_users; ++b) {
      int64_t i = 0;
      for (; i + 16 <= n4; i += 16) OneUserRows<16>(b, i);
      for (; i < n4; i += 4) OneUserRows<4>(b, i);
    }
    for (int64_t b = 0; b < n_users; ++b) {
      for (int64_t row = n4; row < n_; ++row) Out(b, row) = Dot(users_[b], row, 0);
    }
  }

 private:
  float& Out(int64_t b, int64_t row) { return out_[b * n_ + row]; }
  const float* Row(int64_t row) const { return v_ + row * k_; }
  float Dot(const float* u, int64_t row, int64_t from) const {
    float s = 0;
    for (int64_t j = from; j < k_; ++j) s += Row(row)[j] * u[j];
    return s;
  }
  // Lane sums of `acc` (user b_of(slot), row row_of(slot)) plus the columns
  // past k16, stored for the `count` slots in use.
  template <typename Slot>
  void Store(const Vec16 (&acc)[16], int count, Slot slot) {
    alignas(64) float sums[16];
    SumLanesOfSixteen(acc, sums);
    for (int s = 0; s < count; ++s) {
      auto [b, row] = slot(s);
      Out(b, row) = k16_ < k_ ? sums[s] + Dot(users_[b], row, k16_) : sums[s];
    }
  }

  void FourUsersFourRows(int64_t b, int64_t i) {
    const float* u0 = users_[b];
    const float* u1 = users_[b + 1];
    const float* u2 = users_[b + 2];
    const float* u3 = users_[b + 3];
    Vec16 acc[16];
    for (auto& a : acc) a = Vec16{};
    for (int64_t j = 0; j < k16_; j += 16) {
      const Vec16 r0 = Lanes(Row(i) + j), r1 = Lanes(Row(i + 1) + j);
      const Vec16 r2 = Lanes(Row(i + 2) + j), r3 = Lanes(Row(i + 3) + j);
      const Vec16 w0 = Lanes(u0 + j), w1 = Lanes(u1 + j);
      const Vec16 w2 = Lanes(u2 + j), w3 = Lanes(u3 + j);
      acc[0] += r0 * w0, acc[1] += r1 * w0, acc[2] += r2 * w0, acc[3] += r3 * w0;
      acc[4] += r0 * w1, acc[5] += r1 * w1, acc[6] += r2 * w1, acc[7] += r3 * w1;
      acc[8] += r0 * w2, acc[9] += r1 * w2, acc[10] += r2 * w2, acc[11] += r3 * w2;
      acc[12] += r0 * w3, acc[13] += r1 * w3, acc[14] += r2 * w3, acc[15] += r3 * w3;
    }
    Store(acc, 16, [&](int s) { return std::pair<int64_t, int64_t>{b + s / 4, i + s % 4}; });
  }

  template <int R>
  void OneUserRows(int64_t b, int64_t i) {
    const float* u = users_[b];
    Vec16 acc[16];
    for (auto& a : acc) a = Vec16{};
    for (int64_t j = 0; j < k16_; j += 16) {
      const Vec16 uj = Lanes(u + j);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) acc[r] += Lanes(Row(i + r) + j) * uj;
    }
    Store(acc, R, [&](int s) { return std::pair<int64_t, int64_t>{b, i + s}; });
  }

  const float* v_;
  int64_t n_, k_, k16_;
  std::span<const float* const> users_;
  float* out_;
};

// Compiled per x86-64 level; `flatten` brings the whole scorer into each clone.
RECOTEM_MULTIVERSION void RunExactScorer(ExactScorer& scorer) { scorer.Run(); }

}  // namespace

void ScoreUserFactors(const FactorModelView& model, std::span<const int32_t> users,
                      std::span<float> out) {
  const int64_t k = model.k;
  if (out.size() != users.size() * static_cast<size_t>(model.n_items)) {
    throw std::invalid_argument(std::string(model.name) + ": output buffer has the wrong size");
  }
  for (int32_t user : users) {
    if (user < 0 || user >= model.n_users) {
      throw std::invalid_argument(std::string(model.name) + ": unknown user row");
    }
  }
  if (users.size() <= kExactScoreBatchUsers) {
    std::array<const float*, kExactScoreBatchUsers> rows{};
    for (size_t r = 0; r < users.size(); ++r) {
      rows[r] = model.user_factors.data() + users[r] * k;
    }
    ExactScorer scorer(model.item_factors.data(), model.n_items, k,
                       std::span<const float* const>(rows.data(), users.size()), out.data());
    RunExactScorer(scorer);
    return;
  }
  Eigen::Map<const RowMatrix> v(model.item_factors.data(), model.n_items, k);
  RowMatrix block(static_cast<int64_t>(users.size()), k);
  for (size_t r = 0; r < users.size(); ++r) {
    block.row(static_cast<int64_t>(r)) =
        Eigen::Map<const Eigen::RowVectorXf>(model.user_factors.data() + users[r] * k, k);
  }
  Eigen::Map<RowMatrix>(out.data(), static_cast<int64_t>(users.size()), model.n_items).noalias() =
      block * v.transpose();
}

}  // namespace recotem
