#include "recotem/algo/algorithm_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace recotem {
namespace {

const AlgorithmRegistry& Registry() { return AlgorithmRegistry::Default(); }

TEST(AlgorithmRegistry, ResolvesTheRecipeNamesOfTheSpec) {
  EXPECT_EQ(Registry().Resolve("ials"), "IALSRecommender");
  EXPECT_EQ(Registry().Resolve("IalsRecommender"), "IALSRecommender");
  EXPECT_EQ(Registry().Resolve("toppoprecommender"), "TopPopRecommender");
  EXPECT_EQ(Registry().Resolve("rp3BETA"), "RP3betaRecommender");
  EXPECT_EQ(Registry().Resolve("CosinekNN"), "CosineKNNRecommender");
  EXPECT_EQ(Registry().Resolve("DenseSLIM"), "DenseSLIMRecommender");
  EXPECT_EQ(Registry().Resolve("TruncatedSVD"), "TruncatedSVDRecommender");
  EXPECT_EQ(Registry().Resolve("BPRFM"), "BPRFMRecommender");
  for (const char* name : {"cosine_knn", "P3alpha", "SLIM", "EASE", "AsymmetricCosineKNN",
                           "JaccardKNN", "TverskyIndexKNN"}) {
    EXPECT_EQ(Registry().Resolve(name), std::nullopt) << name;
  }
}

TEST(AlgorithmRegistry, ExposesExactlySevenClassesAndKnowsTheOthers) {
  int exposed = 0;
  for (const AlgorithmInfo& a : Registry().algorithms()) exposed += a.exposed ? 1 : 0;
  EXPECT_EQ(exposed, 7);
  EXPECT_EQ(Registry().ResolveAny("p3alpha"), "P3alphaRecommender");
  EXPECT_EQ(Registry().ResolveAny("JaccardKNN"), "JaccardKNNRecommender");
  EXPECT_NE(Registry().Find("TverskyIndexKNNRecommender"), nullptr);
  EXPECT_EQ(Registry().Find("SLIMRecommender"), nullptr);
}

TEST(AlgorithmRegistry, SearchSpacesMatchAlgorithmsSection14) {
  auto names = [](const char* cls) {
    std::vector<std::string> out;
    for (const ParamDistribution& d : AlgorithmRegistry::Default().Find(cls)->search_space) {
      out.push_back(d.name);
    }
    return out;
  };
  EXPECT_EQ(names("IALSRecommender"), (std::vector<std::string>{"n_components", "alpha0", "reg"}));
  EXPECT_EQ(names("CosineKNNRecommender"),
            (std::vector<std::string>{"top_k", "shrinkage", "feature_weighting", "normalize"}));
  EXPECT_TRUE(names("TopPopRecommender").empty());
  EXPECT_EQ(names("RP3betaRecommender"),
            (std::vector<std::string>{"top_k", "beta", "normalize_weight"}));
  EXPECT_EQ(names("DenseSLIMRecommender"), (std::vector<std::string>{"reg"}));
  EXPECT_EQ(names("TruncatedSVDRecommender"), (std::vector<std::string>{"n_components"}));
  EXPECT_EQ(names("BPRFMRecommender"),
            (std::vector<std::string>{"n_components", "item_alpha", "user_alpha", "loss"}));
  const ParamDistribution& alpha0 = Registry().Find("IALSRecommender")->search_space[1];
  EXPECT_EQ(alpha0.kind, DistributionKind::kFloatLog);
  EXPECT_DOUBLE_EQ(alpha0.low, 0.003);
  EXPECT_DOUBLE_EQ(alpha0.high, 1.0);
}

TEST(AlgorithmRegistry, EverySearchSpaceCornerBuildsAModel) {
  for (const AlgorithmInfo& a : Registry().algorithms()) {
    std::set<std::string> accepted(a.parameter_names.begin(), a.parameter_names.end());
    HyperParams low = HyperParams::object(), high = HyperParams::object();
    for (const ParamDistribution& d : a.search_space) {
      EXPECT_EQ(accepted.count(d.name), 1u) << a.class_name << "." << d.name;
      if (d.kind == DistributionKind::kCategorical) {
        low[d.name] = d.choices.front();
        high[d.name] = d.choices.back();
      } else if (d.kind == DistributionKind::kIntUniform || d.kind == DistributionKind::kIntLog) {
        low[d.name] = static_cast<int64_t>(d.low);
        high[d.name] = static_cast<int64_t>(d.high);
      } else {
        low[d.name] = d.low;
        high[d.name] = d.high;
      }
      EXPECT_TRUE(d.Contains(low[d.name])) << a.class_name << "." << d.name;
    }
    std::unique_ptr<Recommender> model = a.create(low);
    EXPECT_STREQ(model->class_name(), a.class_name.c_str());
    EXPECT_NO_THROW(a.create(high)) << a.class_name;
    EXPECT_NO_THROW(a.create(HyperParams::object())) << a.class_name;
    // params() only reports accepted names, so refit can feed them back.
    const HyperParams reported = model->params();
    for (auto it = reported.begin(); it != reported.end(); ++it) {
      EXPECT_EQ(accepted.count(it.key()), 1u) << a.class_name << "." << it.key();
    }
  }
}

}  // namespace
}  // namespace recotem
