#include "recotem/algo/random_walk_similarity.h"

#include <cmath>
#include <vector>

#include "recotem/algo/sparse_product_top_k.h"
#include "recotem/core/strings.h"

namespace recotem {

CsrMatrix RandomWalkSimilarity(const CsrMatrix& user_items, const RandomWalkOptions& options,
                               const FitOptions& fit) {
  const CsrMatrix item_users = user_items.Transposed();
  const auto n_items = static_cast<size_t>(user_items.n_cols);
  std::vector<double> popularity(n_items, 0.0), item_mass(n_items, 0.0);
  std::vector<double> user_mass(static_cast<size_t>(user_items.n_rows), 0.0);
  std::vector<double> a(user_items.values.size());
  for (int32_t u = 0; u < user_items.n_rows; ++u) {
    for (int64_t k = user_items.indptr[u]; k < user_items.indptr[u + 1]; ++k) {
      const double x = user_items.values[k];
      a[k] = std::pow(x, options.alpha);
      popularity[static_cast<size_t>(user_items.indices[k])] += x;
      item_mass[static_cast<size_t>(user_items.indices[k])] += a[k];
      user_mass[static_cast<size_t>(u)] += a[k];
    }
  }
  // right[u, j] = P(j→u): the users × items matrix, column-normalised.
  WeightedCsr right{&user_items, a};
  for (size_t k = 0; k < a.size(); ++k) {
    right.values[k] /= item_mass[static_cast<size_t>(user_items.indices[k])];
  }
  // left[i, u] = P(u→i): the items × users matrix with row-normalised X.
  WeightedCsr left{&item_users, std::vector<double>(item_users.values.size())};
  for (int32_t i = 0; i < item_users.n_rows; ++i) {
    for (int64_t k = item_users.indptr[i]; k < item_users.indptr[i + 1]; ++k) {
      const int32_t u = item_users.indices[k];
      left.values[k] = std::pow(static_cast<double>(item_users.values[k]), options.alpha) /
                       user_mass[static_cast<size_t>(u)];
    }
  }
  std::vector<double> penalty(n_items, 1.0);
  if (options.beta != 0.0) {
    for (size_t i = 0; i < n_items; ++i) penalty[i] = std::pow(popularity[i], options.beta);
  }
  // Row i of the product is column i of W.
  auto transform = [&](int32_t i, std::span<const int32_t> /*columns*/, std::span<double> values) {
    const double divisor = penalty[static_cast<size_t>(i)];
    for (double& v : values) v /= divisor;
  };
  // The product depends on the matrix and alpha only (beta divides in the
  // transform).
  const ProductCacheKey cached{fit.product_cache, "random_walk " + ShortestDouble(options.alpha)};
  CsrMatrix w = SparseProductTopK(left, right, options.top_k, /*zero_diagonal=*/false, transform,
                                  fit.n_threads, fit.stop, cached)
                    .Transposed();
  if (options.normalize_weight) {
    for (int32_t j = 0; j < w.n_rows; ++j) {
      double sum = 0;
      for (int64_t k = w.indptr[j]; k < w.indptr[j + 1]; ++k) sum += w.values[k];
      if (sum == 0) continue;
      for (int64_t k = w.indptr[j]; k < w.indptr[j + 1]; ++k) {
        w.values[k] = static_cast<float>(w.values[k] / sum);
      }
    }
  }
  return w;
}

}  // namespace recotem
