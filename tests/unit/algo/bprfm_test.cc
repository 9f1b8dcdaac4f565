#include "recotem/algo/bprfm.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_matrices.h"

namespace recotem {
namespace {

CsrMatrix Data() { return testing::ClusteredInteractions(80, 30, 3, 6); }

// Mean score of unseen in-group items minus that of unseen other items.
double GroupMargin(const Recommender& model, const CsrMatrix& x) {
  double in_sum = 0, out_sum = 0;
  int in_n = 0, out_n = 0;
  std::vector<float> scores(30);
  for (int32_t u = 0; u < x.n_rows; ++u) {
    std::vector<int32_t> user = {u};
    model.ScoreUsers(x, user, scores);
    auto seen = x.RowIndices(u);
    for (int32_t i = 0; i < 30; ++i) {
      if (std::binary_search(seen.begin(), seen.end(), i)) continue;
      if (i / 10 == u % 3) {
        in_sum += scores[i];
        ++in_n;
      } else {
        out_sum += scores[i];
        ++out_n;
      }
    }
  }
  return in_sum / in_n - out_sum / out_n;
}

TEST(BPRFM, BothLossesLearnTheGroupStructure) {
  for (const char* loss : {"bpr", "warp"}) {
    BPRFMRecommender model(HyperParams{{"n_components", 8}, {"loss", loss}, {"train_epochs", 30}});
    model.Fit(Data());
    EXPECT_GT(GroupMargin(model, Data()), 0.5) << loss;
  }
}

TEST(BPRFM, FitsAreReproducibleForASeed) {
  HyperParams params = {{"n_components", 8}, {"train_epochs", 3}, {"random_seed", 9}};
  BPRFMRecommender a(params), b(params);
  a.Fit(Data());
  b.Fit(Data());
  TensorMap ta, tb;
  a.Save(ta);
  b.Save(tb);
  EXPECT_EQ(ta.tensors().at("item_embeddings").bytes, tb.tensors().at("item_embeddings").bytes);
  params["random_seed"] = 10;
  BPRFMRecommender c(params);
  c.Fit(Data());
  TensorMap tc;
  c.Save(tc);
  EXPECT_NE(ta.tensors().at("item_embeddings").bytes, tc.tensors().at("item_embeddings").bytes);
}

TEST(BPRFM, StopsWhenTheEpochCallbackSaysSo) {
  BPRFMRecommender model(HyperParams{{"n_components", 4}});
  FitOptions options;
  int calls = 0;
  options.on_epoch = [&](int done) {
    ++calls;
    return done == 2 ? EpochVerdict::kStop : EpochVerdict::kContinue;
  };
  model.FitWithOptions(Data(), options);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(model.params()["train_epochs"], 2);
}

TEST(BPRFM, HasNoColdStartPathAndValidatesItsLoss) {
  BPRFMRecommender model(HyperParams{{"n_components", 4}, {"train_epochs", 1}});
  model.Fit(Data());
  CsrMatrix profile = testing::FromDense({std::vector<float>(30, 1.0f)});
  std::vector<float> out(30);
  EXPECT_THROW(model.ScoreProfiles(profile, out), std::logic_error);
  EXPECT_THROW(BPRFMRecommender(HyperParams{{"loss", "logistic"}}), std::invalid_argument);
  EXPECT_EQ(BPRFMRecommender(HyperParams::object()).params()["n_components"], 128);
}

}  // namespace
}  // namespace recotem
