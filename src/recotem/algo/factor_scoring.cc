#include "recotem/algo/factor_scoring.h"

#include <Eigen/Core>
#include <stdexcept>
#include <string>

#include "recotem/algo/multiversion.h"
#include "recotem/algo/vec16.h"

namespace recotem {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// out[i] = v[i] · u for the n rows of v (row-major n × k). Blocks of 16
// rows accumulate their whole 16-float chunks in 16 registers and are
// reduced together (SumLanesOfSixteen); the last k mod 16 columns and the
// last n mod 16 rows are added one by one.
RECOTEM_MULTIVERSION void ScoreOneUser(const float* v, int64_t n, int64_t k, const float* u,
                                       float* out) {
  const int64_t k16 = k / 16 * 16;
  auto tail = [&](int64_t row, int64_t from) {
    float s = 0;
    for (int64_t j = from; j < k; ++j) s += v[row * k + j] * u[j];
    return s;
  };
  int64_t i = 0;
  for (; i + 16 <= n && k16 > 0; i += 16) {
    Vec16 acc[16];
    for (int r = 0; r < 16; ++r) acc[r] = Vec16{};
    for (int64_t j = 0; j < k16; j += 16) {
      const Vec16 uj = Lanes(u + j);
#pragma GCC unroll 16
      for (int r = 0; r < 16; ++r) acc[r] += Lanes(v + (i + r) * k + j) * uj;
    }
    SumLanesOfSixteen(acc, out + i);
    if (k16 < k) {
      for (int r = 0; r < 16; ++r) out[i + r] += tail(i + r, k16);
    }
  }
  for (; i < n; ++i) out[i] = tail(i, 0);
}

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
  if (users.size() == 1) {
    ScoreOneUser(model.item_factors.data(), model.n_items, k,
                 model.user_factors.data() + users[0] * k, out.data());
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
