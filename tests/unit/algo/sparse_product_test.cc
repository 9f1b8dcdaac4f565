#include "recotem/algo/sparse_product.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "recotem/algo/cosine_knn.h"
#include "recotem/algo/dense_slim.h"
#include "recotem/algo/rp3beta.h"
#include "test_matrices.h"

namespace recotem {
namespace {

// A product of one block with `entries` stored entries in its first row.
std::shared_ptr<const RawProduct> ProductWithEntries(int entries) {
  RawProduct::Block block;
  for (int e = 0; e < entries; ++e) {
    block.indices.push_back(e);
    block.values.push_back(e * 0.5);
  }
  block.indptr.push_back(entries);
  std::vector<RawProduct::Block> blocks;
  blocks.push_back(std::move(block));
  return std::make_shared<const RawProduct>(std::move(blocks));
}

TEST(ProductCache, DropsTheLeastRecentlyUsedProductBeyondItsCapacity) {
  const auto a = ProductWithEntries(100), b = ProductWithEntries(100), c = ProductWithEntries(100);
  ProductCache cache(a->bytes() * 5 / 2);  // room for two
  cache.Insert("a", a, a->bytes());
  cache.Insert("b", b, b->bytes());
  EXPECT_EQ(cache.Find<RawProduct>("a"), a);  // a is now the most recent
  cache.Insert("c", c, c->bytes());
  EXPECT_EQ(cache.Find<RawProduct>("a"), a);
  EXPECT_EQ(cache.Find<RawProduct>("b"), nullptr);
  EXPECT_EQ(cache.Find<RawProduct>("c"), c);
}

TEST(ProductCache, IgnoresAProductLargerThanItsCapacity) {
  const auto big = ProductWithEntries(1000);
  ProductCache cache(big->bytes() - 1);
  cache.Insert("big", big, big->bytes());
  EXPECT_EQ(cache.Find<RawProduct>("big"), nullptr);
}

TEST(ProductCache, StoringAKeyAgainReplacesItsProduct) {
  const auto first = ProductWithEntries(10), second = ProductWithEntries(10);
  ProductCache cache(first->bytes() * 3);
  cache.Insert("k", first, first->bytes());
  cache.Insert("k", second, second->bytes());
  EXPECT_EQ(cache.Find<RawProduct>("k"), second);
}

// Xᵀ · (X with distinct values), more than one block of rows.
struct Operands {
  CsrMatrix x = testing::ClusteredInteractions(300, 300, 5, 15);
  CsrMatrix xt = x.Transposed();
  WeightedCsr left = WeightedCsr::Of(xt);
  WeightedCsr right{&x, {}};
  Operands() {
    for (size_t k = 0; k < x.values.size(); ++k) right.values.push_back(1.0 + 0.01 * (k % 37));
  }
};

TEST(CachedProduct, RowsAreTheRowByRowProductAndASecondCallReadsTheCache) {
  Operands ops;
  ProductCache cache(size_t{64} << 20);
  const ProductCacheKey key{&cache, "test"};
  std::shared_ptr<const RawProduct> product = CachedProduct(ops.left, ops.right, key, 2, {});
  ASSERT_NE(product, nullptr);
  ProductScratch s;
  for (int32_t row = 0; row < ops.xt.n_rows; ++row) {
    ProductRow(ops.left, ops.right, row, s);
    const std::span<const int32_t> columns = product->Columns(row);
    const std::span<const double> values = product->Values(row);
    ASSERT_EQ(std::vector<int32_t>(columns.begin(), columns.end()), s.touched) << row;
    ASSERT_EQ(std::vector<double>(values.begin(), values.end()), s.row_values) << row;
  }
  EXPECT_EQ(cache.Find<RawProduct>("test"), product);
  EXPECT_EQ(CachedProduct(ops.left, ops.right, key, 1, {}), product);
}

TEST(CachedProduct, NoneWithoutACacheOrWhenTheProductCannotFit) {
  Operands ops;
  EXPECT_EQ(CachedProduct(ops.left, ops.right, {}, 1, {}), nullptr);
  ProductCache small(1024);
  EXPECT_EQ(CachedProduct(ops.left, ops.right, {&small, "test"}, 1, {}), nullptr);
  EXPECT_EQ(small.Find<RawProduct>("test"), nullptr);
}

void ExpectSameWeights(const ItemSimilarity& a, const ItemSimilarity& b, int32_t n_items) {
  for (int32_t i = 0; i < n_items; ++i) {
    for (int32_t j = 0; j < n_items; ++j) {
      ASSERT_EQ(a.Weight(i, j), b.Weight(i, j)) << i << "," << j;
    }
  }
}

// Fits `params` with and without the shared cache: the similarities match.
template <typename Model>
void ExpectCacheChangesNothing(const CsrMatrix& x, ProductCache& cache, const HyperParams& params) {
  Model cached(params), plain(params);
  FitOptions with_cache;
  with_cache.product_cache = &cache;
  cached.FitWithOptions(x, with_cache);
  plain.FitWithOptions(x, FitOptions{});
  ExpectSameWeights(cached.similarity(), plain.similarity(), x.n_cols);
}

TEST(ProductCache, KnnFitsThatShareTheProductMatchUncachedFits) {
  const CsrMatrix x = testing::ClusteredInteractions(200, 80, 4, 12);
  ProductCache cache(size_t{64} << 20);
  using Knn = CosineKNNRecommender;
  ExpectCacheChangesNothing<Knn>(x, cache, {{"top_k", 10}, {"shrinkage", 5.0}});
  ExpectCacheChangesNothing<Knn>(x, cache,
                                 {{"top_k", 30}, {"shrinkage", 0.0}, {"normalize", true}});
  // Another weighting is another product.
  ExpectCacheChangesNothing<Knn>(x, cache, {{"top_k", 30}, {"feature_weighting", "BM_25"}});
  ExpectCacheChangesNothing<Knn>(x, cache, {{"top_k", 30}, {"feature_weighting", "TF_IDF"}});
  EXPECT_NE(cache.Find<RawProduct>("item_knn valued NONE"), nullptr);
  EXPECT_NE(cache.Find<RawProduct>("item_knn valued BM_25 1.2 0.75"), nullptr);
  EXPECT_NE(cache.Find<RawProduct>("item_knn valued TF_IDF"), nullptr);
}

TEST(ProductCache, Rp3betaFitsThatShareTheProductMatchUncachedFits) {
  const CsrMatrix x = testing::ClusteredInteractions(200, 80, 4, 12);
  ProductCache cache(size_t{64} << 20);
  ExpectCacheChangesNothing<RP3betaRecommender>(x, cache, {{"top_k", 10}, {"beta", 0.3}});
  ExpectCacheChangesNothing<RP3betaRecommender>(
      x, cache, {{"top_k", 25}, {"beta", 0.1}, {"normalize_weight", true}});
  EXPECT_NE(cache.Find<RawProduct>("random_walk 1"), nullptr);
}

TEST(ProductCache, DenseSlimFitsThatShareTheGramMatchUncachedFits) {
  const CsrMatrix x = testing::ClusteredInteractions(200, 80, 4, 12);
  ProductCache cache(size_t{64} << 20);
  ExpectCacheChangesNothing<DenseSLIMRecommender>(x, cache, {{"reg", 10.0}});
  ASSERT_NE(cache.Find<std::vector<float>>("dense_slim gram"), nullptr);
  ExpectCacheChangesNothing<DenseSLIMRecommender>(x, cache, {{"reg", 300.0}});
}

}  // namespace
}  // namespace recotem
