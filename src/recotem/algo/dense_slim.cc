#include "recotem/algo/dense_slim.h"

#include <cstddef>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "recotem/algo/hyper_params.h"
#include "recotem/algo/parallel_for.h"
#include "recotem/algo/sparse_product.h"

// LAPACK (provided by OpenBLAS): Cholesky factorisation and the inverse from
// it. The trailing size_t is the Fortran hidden length of `uplo`.
extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t);
}

namespace recotem {

namespace {

// Item rows of the Gram matrix per work chunk.
constexpr int64_t kGramChunkRows = 64;
// XᵀX (std::vector<float>, row-major n × n) in a ProductCache.
constexpr const char* kGramKey = "dense_slim gram";

// G = XᵀX as a dense row-major n × n matrix, accumulated row by row from the
// items × users transpose.
std::vector<float> GramMatrix(const CsrMatrix& user_items, int n_threads) {
  const CsrMatrix item_users = user_items.Transposed();
  const auto n = static_cast<int64_t>(user_items.n_cols);
  std::vector<float> gram(static_cast<size_t>(n * n), 0.0f);
  ParallelFor(n, kGramChunkRows, n_threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      float* row = gram.data() + i * n;
      for (int64_t a = item_users.indptr[i]; a < item_users.indptr[i + 1]; ++a) {
        const int32_t u = item_users.indices[a];
        const float xi = item_users.values[a];
        for (int64_t b = user_items.indptr[u]; b < user_items.indptr[u + 1]; ++b) {
          row[user_items.indices[b]] += xi * user_items.values[b];
        }
      }
    }
  });
  return gram;
}

}  // namespace

DenseSLIMRecommender::DenseSLIMRecommender(const HyperParams& params) { SetParams(params); }

recotem::SearchSpace DenseSLIMRecommender::SearchSpace() {
  return {ParamDistribution::FloatLog("reg", 1.0, 10000.0)};
}

std::vector<std::string> DenseSLIMRecommender::ParameterNames() { return {"reg"}; }

void DenseSLIMRecommender::SetParams(const HyperParams& params) {
  ParamReader reader(params, kClassName);
  double reg = reader.Double("reg", kDenseSlimDefaultReg, 0.0, std::numeric_limits<double>::max());
  reader.Finish();
  reg_ = reg;
}

HyperParams DenseSLIMRecommender::params() const {
  HyperParams out = HyperParams::object();
  out["reg"] = reg_;
  return out;
}

ItemSimilarity DenseSLIMRecommender::ComputeSimilarity(const CsrMatrix& user_items,
                                                       const FitOptions& options) const {
  const int n = user_items.n_cols;
  const auto n64 = static_cast<int64_t>(n);
  // XᵀX does not depend on reg: a search's trials share it.
  std::vector<float> b;
  ProductCache* cache = options.product_cache;
  if (auto cached = cache ? cache->Find<std::vector<float>>(kGramKey) : nullptr) {
    b = *cached;
  } else {
    b = GramMatrix(user_items, options.n_threads);
    if (cache) {
      cache->Insert(kGramKey, std::make_shared<const std::vector<float>>(b),
                    b.size() * sizeof(float));
    }
  }
  for (int64_t i = 0; i < n64; ++i) b[i * n64 + i] += static_cast<float>(reg_);
  if (options.stop.stop_requested()) throw FitCancelled();
  // Row-major symmetric = column-major symmetric; LAPACK's lower triangle is
  // our upper one.
  int info = 0;
  const char uplo = 'L';
  if (n > 0) spotrf_(&uplo, &n, b.data(), &n, &info, 1);
  if (info != 0) {
    throw std::runtime_error("DenseSLIM: XᵀX + reg·I is not positive definite (spotrf info " +
                             std::to_string(info) + ")");
  }
  if (n > 0) spotri_(&uplo, &n, b.data(), &n, &info, 1);
  if (info != 0) {
    throw std::runtime_error("DenseSLIM: inversion failed (spotri info " + std::to_string(info) +
                             ")");
  }
  if (options.stop.stop_requested()) throw FitCancelled();
  std::vector<float> diagonal(static_cast<size_t>(n));
  for (int64_t j = 0; j < n64; ++j) diagonal[j] = b[j * n64 + j];
  // Mirror the computed upper triangle, then W[i,j] = −B[i,j] / B[j,j].
  ParallelFor(n64, kGramChunkRows, options.n_threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      float* row = b.data() + i * n64;
      for (int64_t j = 0; j < i; ++j) row[j] = b[j * n64 + i];
    }
  });
  ParallelFor(n64, kGramChunkRows, options.n_threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      float* row = b.data() + i * n64;
      for (int64_t j = 0; j < n64; ++j) row[j] = -row[j] / diagonal[j];
      row[i] = 0.0f;
    }
  });
  return ItemSimilarity::FromDense(n, std::move(b));
}

}  // namespace recotem
