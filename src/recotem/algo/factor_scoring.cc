#include "recotem/algo/factor_scoring.h"

#include <Eigen/Core>
#include <stdexcept>
#include <string>

namespace recotem {

namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
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
  Eigen::Map<const RowMatrix> v(model.item_factors.data(), model.n_items, k);
  if (users.size() == 1) {
    Eigen::Map<Eigen::VectorXf>(out.data(), model.n_items).noalias() =
        v * Eigen::Map<const Eigen::VectorXf>(model.user_factors.data() + users[0] * k, k);
    return;
  }
  RowMatrix block(static_cast<int64_t>(users.size()), k);
  for (size_t r = 0; r < users.size(); ++r) {
    block.row(static_cast<int64_t>(r)) =
        Eigen::Map<const Eigen::RowVectorXf>(model.user_factors.data() + users[r] * k, k);
  }
  Eigen::Map<RowMatrix>(out.data(), static_cast<int64_t>(users.size()), model.n_items).noalias() =
      block * v.transpose();
}

}  // namespace recotem
