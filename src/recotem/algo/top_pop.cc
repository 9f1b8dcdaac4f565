#include "recotem/algo/top_pop.h"

#include <algorithm>
#include <stdexcept>

namespace recotem {

namespace {
constexpr const char* kPopularityTensor = "popularity";
}  // namespace

TopPopRecommender::TopPopRecommender(const HyperParams& params) {
  if (params.is_object() && !params.empty()) {
    throw std::invalid_argument("TopPopRecommender takes no hyperparameters");
  }
}

void TopPopRecommender::Fit(const CsrMatrix& user_items) {
  std::vector<double> sums(static_cast<size_t>(user_items.n_cols), 0.0);
  for (size_t k = 0; k < user_items.indices.size(); ++k) {
    sums[user_items.indices[k]] += user_items.values[k];
  }
  popularity_.assign(sums.begin(), sums.end());
}

void TopPopRecommender::FillRows(size_t n_rows, std::span<float> out) const {
  if (out.size() != n_rows * popularity_.size()) {
    throw std::invalid_argument("TopPopRecommender: output buffer has the wrong size");
  }
  for (size_t r = 0; r < n_rows; ++r) {
    std::copy(popularity_.begin(), popularity_.end(), out.begin() + r * popularity_.size());
  }
}

void TopPopRecommender::ScoreUsers(const CsrMatrix& /*interactions*/,
                                   std::span<const int32_t> users, std::span<float> out) const {
  FillRows(users.size(), out);
}

void TopPopRecommender::ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const {
  FillRows(static_cast<size_t>(profiles.n_rows), out);
}

void TopPopRecommender::Save(TensorMap& out) const {
  out.Put<float>(kPopularityTensor, popularity_);
}

void TopPopRecommender::Load(const TensorMap& in, int32_t n_items) {
  popularity_ = in.Get<float>(kPopularityTensor, {n_items});
}

}  // namespace recotem
