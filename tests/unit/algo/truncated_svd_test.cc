#include "recotem/algo/truncated_svd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

// Rank 2: users of type A consume items 0–3, type B items 3–6 (overlap on 3).
std::vector<std::vector<float>> RankTwo() {
  std::vector<std::vector<float>> rows;
  for (int u = 0; u < 12; ++u) {
    std::vector<float> row(7, 0.0f);
    const bool a = u % 3 != 0;
    for (int i = a ? 0 : 3; i <= (a ? 3 : 6); ++i) row[i] = 1.0f;
    rows.push_back(row);
  }
  return rows;
}

TEST(TruncatedSVD, ReconstructsAnExactlyLowRankMatrix) {
  auto dense = RankTwo();
  CsrMatrix x = testing::FromDense(dense);
  TruncatedSVDRecommender model(HyperParams{{"n_components", 2}});
  model.Fit(x);
  std::vector<int32_t> users(12);
  for (int u = 0; u < 12; ++u) users[u] = u;
  std::vector<float> out(12 * 7);
  model.ScoreUsers(x, users, out);
  for (int u = 0; u < 12; ++u) {
    for (int i = 0; i < 7; ++i) EXPECT_NEAR(out[u * 7 + i], dense[u][i], 1e-4);
  }
}

TEST(TruncatedSVD, ProjectingATrainingRowGivesItsOwnScores) {
  CsrMatrix x = testing::FromDense(RankTwo());
  TruncatedSVDRecommender model(HyperParams{{"n_components", 2}});
  model.Fit(x);
  CsrMatrix profile = testing::FromDense({RankTwo()[0]});
  std::vector<float> from_profile(7), known(7);
  model.ScoreProfiles(profile, from_profile);
  std::vector<int32_t> user = {0};
  model.ScoreUsers(x, user, known);
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(from_profile[i], known[i], 1e-4);
}

TEST(TruncatedSVD, CapsTheRankBelowTheItemCount) {
  CsrMatrix x = testing::FromDense(RankTwo());
  TruncatedSVDRecommender model(HyperParams{{"n_components", 50}});
  model.Fit(x);
  EXPECT_EQ(model.effective_components(), 6);
  EXPECT_EQ(model.params()["n_components"], 50);  // the request is what is reported
  TruncatedSVDRecommender single(HyperParams::object());
  EXPECT_THROW(single.Fit(testing::FromDense({{1}, {1}})), std::invalid_argument);
}

TEST(TruncatedSVD, IsDeterministicForASeed) {
  CsrMatrix x = testing::ClusteredInteractions(40, 20, 4, 5);
  TruncatedSVDRecommender a(HyperParams{{"n_components", 3}}), b(HyperParams{{"n_components", 3}});
  a.Fit(x);
  b.Fit(x);
  TensorMap ta, tb;
  a.Save(ta);
  b.Save(tb);
  EXPECT_EQ(ta.tensors().at("user_embeddings").bytes, tb.tensors().at("user_embeddings").bytes);
}

}  // namespace
}  // namespace recotem
