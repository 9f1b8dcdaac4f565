#include "recotem/algo/ials.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <stop_token>

#include "test_matrices.h"

namespace recotem {
namespace {

CsrMatrix Data() { return testing::ClusteredInteractions(60, 24, 3, 5); }

// The iALS++ objective of algorithms.md §2.2 for a fitted model.
double Objective(const IALSRecommender& model, const CsrMatrix& x, double alpha0, double reg) {
  const int64_t k = static_cast<int64_t>(model.item_factors().size()) / x.n_cols;
  const auto& u = model.user_factors();
  const auto& v = model.item_factors();
  auto dot = [&](int32_t a, int32_t b) {
    double s = 0;
    for (int64_t d = 0; d < k; ++d) s += u[a * k + d] * v[b * k + d];
    return s;
  };
  CsrMatrix xt = x.Transposed();
  double loss = 0;
  for (int32_t a = 0; a < x.n_rows; ++a) {
    for (int32_t b = 0; b < x.n_cols; ++b) loss += 0.5 * alpha0 * dot(a, b) * dot(a, b);
    for (int32_t b : x.RowIndices(a)) loss += 0.5 * (dot(a, b) - 1) * (dot(a, b) - 1);
    double norm = 0;
    for (int64_t d = 0; d < k; ++d) norm += u[a * k + d] * u[a * k + d];
    loss += 0.5 * reg * (alpha0 * x.n_cols + x.RowIndices(a).size()) * norm;
  }
  for (int32_t b = 0; b < x.n_cols; ++b) {
    double norm = 0;
    for (int64_t d = 0; d < k; ++d) norm += v[b * k + d] * v[b * k + d];
    loss += 0.5 * reg * (alpha0 * x.n_rows + xt.RowIndices(b).size()) * norm;
  }
  return loss;
}

TEST(IALS, ExactSolvesNeverIncreaseTheObjective) {
  CsrMatrix x = Data();
  double previous = 1e300;
  for (int epochs = 1; epochs <= 4; ++epochs) {
    IALSRecommender model(HyperParams{{"n_components", 6},
                                      {"alpha0", 0.5},
                                      {"reg", 0.01},
                                      {"solver_type", "CHOLESKY"},
                                      {"train_epochs", epochs}});
    model.Fit(x);
    double objective = Objective(model, x, 0.5, 0.01);
    EXPECT_LE(objective, previous * (1 + 1e-5)) << "epoch " << epochs;
    previous = objective;
  }
}

TEST(IALS, ConjugateGradientApproachesTheCholeskySolution) {
  CsrMatrix x = Data();
  HyperParams base = {{"n_components", 6}, {"alpha0", 0.5}, {"reg", 0.01}, {"train_epochs", 3}};
  HyperParams cholesky = base, few = base, many = base;
  cholesky["solver_type"] = "CHOLESKY";
  few["max_cg_steps"] = 1;
  many["max_cg_steps"] = 0;  // k steps
  IALSRecommender a(cholesky), b(few), c(many);
  a.Fit(x);
  b.Fit(x);
  c.Fit(x);
  auto distance = [&](const IALSRecommender& m) {
    double d = 0;
    for (size_t i = 0; i < m.item_factors().size(); ++i) {
      d += std::pow(m.item_factors()[i] - a.item_factors()[i], 2);
    }
    return d;
  };
  EXPECT_LT(distance(c), 1e-6);
  EXPECT_LT(distance(c), distance(b));
}

TEST(IALS, EpochCallbackSeesEveryEpochAndCanStopTraining) {
  IALSRecommender model(HyperParams{{"n_components", 4}, {"train_epochs", 50}});
  std::vector<int> seen;
  FitOptions options;
  options.on_epoch = [&](int epochs_done) {
    seen.push_back(epochs_done);
    return epochs_done == 3 ? EpochVerdict::kStop : EpochVerdict::kContinue;
  };
  model.FitWithOptions(Data(), options);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(model.params()["train_epochs"], 3);
  EXPECT_TRUE(model.is_iterative());
  options.on_epoch = nullptr;
  options.max_epochs = 2;
  model.FitWithOptions(Data(), options);
  EXPECT_EQ(model.params()["train_epochs"], 2);
}

// Every user's scores of `model` over the Data() users.
std::vector<float> AllScores(const IALSRecommender& model) {
  const CsrMatrix x = Data();
  std::vector<int32_t> users(static_cast<size_t>(x.n_rows));
  for (int32_t u = 0; u < x.n_rows; ++u) users[static_cast<size_t>(u)] = u;
  std::vector<float> out(users.size() * static_cast<size_t>(x.n_cols));
  model.ScoreUsers(x, users, out);
  return out;
}

TEST(IALS, EveryNthEpochCallbackSeesTheModelOfThatEpochAndTheFitEndsOnTheLast) {
  const HyperParams params = {{"n_components", 20}, {"alpha0", 0.3}, {"train_epochs", 10}};
  auto scores_after = [&](int epochs) {
    HyperParams p = params;
    p["train_epochs"] = epochs;
    IALSRecommender fresh(p);
    fresh.Fit(Data());
    return AllScores(fresh);
  };
  IALSRecommender model(params);
  std::vector<int> seen;
  FitOptions options;
  options.on_epoch_every = 3;
  options.on_epoch = [&](int epochs_done) {
    seen.push_back(epochs_done);
    EXPECT_EQ(AllScores(model), scores_after(epochs_done)) << epochs_done;
    return EpochVerdict::kContinue;
  };
  model.FitWithOptions(Data(), options);
  EXPECT_EQ(seen, (std::vector<int>{3, 6, 9}));
  EXPECT_EQ(AllScores(model), scores_after(10));
}

TEST(IALS, ARequestedStopCancelsTheFit) {
  IALSRecommender model(HyperParams{{"n_components", 4}});
  std::stop_source source;
  FitOptions options;
  options.on_epoch = [&](int) {
    source.request_stop();
    return EpochVerdict::kContinue;
  };
  options.stop = source.get_token();
  EXPECT_THROW(model.FitWithOptions(Data(), options), FitCancelled);
}

TEST(IALS, TrainingDoesNotDependOnTheThreadCount) {
  HyperParams params = {{"n_components", 8}, {"alpha0", 0.3}, {"train_epochs", 3}};
  IALSRecommender one(params), three(params);
  FitOptions options;
  options.n_threads = 1;
  one.FitWithOptions(Data(), options);
  options.n_threads = 3;
  three.FitWithOptions(Data(), options);
  EXPECT_EQ(one.user_factors(), three.user_factors());
  EXPECT_EQ(one.item_factors(), three.item_factors());
}

TEST(IALS, ScoresAreFactorDotProducts) {
  IALSRecommender model(HyperParams{{"n_components", 5}, {"alpha0", 0.1}, {"train_epochs", 2}});
  CsrMatrix x = Data();
  model.Fit(x);
  std::vector<int32_t> users = {7, 2};
  std::vector<float> out(2 * 24);
  model.ScoreUsers(x, users, out);
  for (int r = 0; r < 2; ++r) {
    for (int i = 0; i < 24; ++i) {
      double dot = 0;
      for (int d = 0; d < 5; ++d) {
        dot += model.user_factors()[users[r] * 5 + d] * model.item_factors()[i * 5 + d];
      }
      EXPECT_NEAR(out[r * 24 + i], dot, 1e-5);
    }
  }
  std::vector<int32_t> unknown = {60};
  std::vector<float> one_row(24);
  EXPECT_THROW(model.ScoreUsers(x, unknown, one_row), std::invalid_argument);
}

TEST(IALS, FoldInRecoversAUsersTasteFromItsProfile) {
  // A profile of group-0 items should score group-0 items above the others.
  IALSRecommender model(
      HyperParams{{"n_components", 8}, {"alpha0", 0.1}, {"reg", 0.01}, {"train_epochs", 8}});
  model.Fit(Data());
  CsrMatrix profile = testing::FromDense(
      {{1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
  std::vector<float> out(24);
  model.ScoreProfiles(profile, out);
  double in_group = 0, out_group = 0;
  for (int i = 3; i < 8; ++i) in_group += out[i];
  for (int i = 8; i < 24; ++i) out_group += out[i];
  EXPECT_GT(in_group / 5, out_group / 16);
}

TEST(IALS, ParametersRoundTripAndBadOnesAreRejected) {
  IALSRecommender model(HyperParams{{"n_components", 64}, {"alpha0", 1}, {"nu_star", 0.5}});
  HyperParams p = model.params();
  EXPECT_EQ(p["n_components"], 64);
  EXPECT_EQ(p["nu_star"], 0.5);
  EXPECT_EQ(p["solver_type"], "CG");
  EXPECT_EQ(IALSRecommender(p).params(), p);
  EXPECT_EQ(IALSRecommender(HyperParams::object()).params()["alpha0"], 0.0);
  EXPECT_THROW(IALSRecommender(HyperParams{{"solver_type", "IALSPP"}}), std::invalid_argument);
  EXPECT_THROW(IALSRecommender(HyperParams{{"n_components", 0}}), std::invalid_argument);
  EXPECT_THROW(IALSRecommender(HyperParams{{"learning_rate", 0.1}}), std::invalid_argument);
}

TEST(IALS, OriginalLossDiffersFromIalsPlusPlus) {
  HyperParams base = {{"n_components", 4}, {"alpha0", 0.5}, {"train_epochs", 2}};
  HyperParams original = base;
  original["loss_type"] = "ORIGINAL";
  IALSRecommender a(base), b(original);
  a.Fit(Data());
  b.Fit(Data());
  EXPECT_NE(a.item_factors(), b.item_factors());
}

}  // namespace
}  // namespace recotem
