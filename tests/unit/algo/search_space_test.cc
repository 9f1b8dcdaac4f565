#include "recotem/algo/search_space.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace recotem {
namespace {

TEST(ParamDistribution, IntRangesAcceptOnlyIntegersInsideTheBounds) {
  ParamDistribution d = ParamDistribution::IntUniform("top_k", 4, 1000);
  EXPECT_TRUE(d.Contains(4));
  EXPECT_TRUE(d.Contains(1000));
  EXPECT_FALSE(d.Contains(3));
  EXPECT_FALSE(d.Contains(1001));
  EXPECT_FALSE(d.Contains(5.5));
  EXPECT_FALSE(d.Contains("5"));
}

TEST(ParamDistribution, FloatRangesAcceptNumbersInsideTheBounds) {
  ParamDistribution d = ParamDistribution::FloatLog("reg", 1e-4, 0.1);
  EXPECT_EQ(d.kind, DistributionKind::kFloatLog);
  EXPECT_TRUE(d.Contains(1e-3));
  EXPECT_FALSE(d.Contains(0.2));
  EXPECT_FALSE(d.Contains(true));
}

TEST(ParamDistribution, CategoricalMatchesChoicesExactly) {
  ParamDistribution d = ParamDistribution::Categorical("normalize", {false, true});
  EXPECT_TRUE(d.Contains(false));
  EXPECT_FALSE(d.Contains("False"));
  ParamDistribution w = ParamDistribution::Categorical("loss", {"bpr", "warp"});
  EXPECT_TRUE(w.Contains("warp"));
  EXPECT_FALSE(w.Contains("WARP"));
}

TEST(ParamDistribution, RejectsEmptyOrInvertedDeclarations) {
  EXPECT_THROW(ParamDistribution::IntUniform("x", 5, 4), std::invalid_argument);
  EXPECT_THROW(ParamDistribution::FloatLog("x", 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(ParamDistribution::Categorical("x", {}), std::invalid_argument);
  EXPECT_STREQ(DistributionKindName(DistributionKind::kIntLog), "int_log");
}

}  // namespace
}  // namespace recotem
