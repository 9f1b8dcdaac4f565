#include "recotem/algo/item_similarity.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

TEST(ItemSimilarity, ScoresAreTheProfileTimesW) {
  // W: item 0 → {1: 2}, item 1 → {0: 1, 2: 3}; 3 items.
  CsrMatrix w = testing::FromDense({{0, 2, 0}, {1, 0, 3}, {0, 0, 0}});
  ItemSimilarity sim(w);
  CsrMatrix x = testing::FromDense({{1, 2, 0}, {0, 0, 5}});
  std::vector<float> out(2 * 3);
  std::vector<int32_t> users = {0, 1};
  sim.ScoreRows(x, users, out);
  EXPECT_EQ(out, (std::vector<float>{2, 2, 6, 0, 0, 0}));
  EXPECT_EQ(sim.Weight(1, 2), 3.0f);
  EXPECT_EQ(sim.Weight(2, 2), 0.0f);
}

TEST(ItemSimilarity, DenseAndSparseStorageScoreIdentically) {
  CsrMatrix x = testing::ClusteredInteractions(40, 30, 3, 6);
  // A sparse W (few entries per row) and the same W stored densely.
  std::vector<float> dense(30 * 30, 0.0f);
  for (int32_t i = 0; i < 30; ++i) {
    dense[i * 30 + (i * 7) % 30] = 0.5f + static_cast<float>(i) / 7.0f;
    dense[i * 30 + (i * 11 + 3) % 30] = 1.0f / (1.0f + static_cast<float>(i));
  }
  std::vector<std::vector<float>> rows(30, std::vector<float>(30));
  for (int32_t i = 0; i < 30; ++i) {
    for (int32_t j = 0; j < 30; ++j) rows[i][j] = dense[i * 30 + j];
  }
  ItemSimilarity sparse(testing::FromDense(rows));
  ItemSimilarity full = ItemSimilarity::FromDense(30, dense);
  std::vector<float> a(40 * 30), b(40 * 30);
  sparse.ScoreAllRows(x, a);
  full.ScoreAllRows(x, b);
  EXPECT_EQ(a, b);
}

TEST(ItemSimilarity, SaveLoadRoundTripsBothLayouts) {
  CsrMatrix w = testing::FromDense({{0, 2}, {1, 0}});
  for (ItemSimilarity original : {ItemSimilarity(w), ItemSimilarity::FromDense(2, {0, 2, 1, 0})}) {
    TensorMap map;
    original.Save(map, "s.");
    ItemSimilarity loaded;
    loaded.Load(map, "s.", 2);
    EXPECT_EQ(loaded.Weight(0, 1), 2.0f);
    EXPECT_EQ(loaded.Weight(1, 0), 1.0f);
    EXPECT_EQ(loaded.nnz(), original.nnz());
  }
}

TEST(ItemSimilarity, LoadRejectsMalformedTensors) {
  ItemSimilarity sim(testing::FromDense({{0, 2}, {1, 0}}));
  TensorMap good;
  sim.Save(good, "s.");
  ItemSimilarity target;
  EXPECT_THROW(target.Load(good, "s.", 3), std::invalid_argument);  // wrong item count
  TensorMap bad_column = good;
  std::vector<int32_t> indices = {5, 0};
  bad_column.Put<int32_t>("s.indices", indices);
  EXPECT_THROW(target.Load(bad_column, "s.", 2), std::invalid_argument);
  TensorMap bad_dtype = good;
  std::vector<double> values = {1, 2};
  bad_dtype.Put<double>("s.values", values);
  EXPECT_THROW(target.Load(bad_dtype, "s.", 2), std::invalid_argument);
  TensorMap dense;
  std::vector<float> three(3, 1.0f);
  dense.Put<float>("s.dense", std::span<const float>(three), {1, 3});
  EXPECT_THROW(target.Load(dense, "s.", 2), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
