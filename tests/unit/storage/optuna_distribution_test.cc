// ParamDistribution ↔ Optuna distribution JSON, byte for byte as Optuna 3.1
// writes it (components.md §8).
#include "recotem/tune/storage/optuna_distribution.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace recotem::tune::storage {
namespace {

TEST(OptunaDistributionJson, IntDistributionsHaveStepOneAndIntegerBounds) {
  EXPECT_EQ(ToOptunaDistributionJson(ParamDistribution::IntLog("n", 8, 128)),
            R"({"name": "IntDistribution", "attributes": )"
            R"({"log": true, "step": 1, "low": 8, "high": 128}})");
  EXPECT_EQ(ToOptunaDistributionJson(ParamDistribution::IntUniform("n", 0, 3)),
            R"({"name": "IntDistribution", "attributes": )"
            R"({"log": false, "step": 1, "low": 0, "high": 3}})");
}

TEST(OptunaDistributionJson, FloatDistributionsHaveNullStepAndPythonFloats) {
  EXPECT_EQ(ToOptunaDistributionJson(ParamDistribution::FloatLog("lr", 0.0001, 0.1)),
            R"({"name": "FloatDistribution", "attributes": )"
            R"({"step": null, "low": 0.0001, "high": 0.1, "log": true}})");
  EXPECT_EQ(ToOptunaDistributionJson(ParamDistribution::FloatUniform("reg", 0, 1)),
            R"({"name": "FloatDistribution", "attributes": )"
            R"({"step": null, "low": 0.0, "high": 1.0, "log": false}})");
  EXPECT_EQ(ToOptunaDistributionJson(ParamDistribution::FloatLog("a", 1e-5, 1e5)),
            R"({"name": "FloatDistribution", "attributes": )"
            R"({"step": null, "low": 1e-05, "high": 100000.0, "log": true}})");
}

TEST(OptunaDistributionJson, CategoricalChoicesKeepTheirJsonTypes) {
  auto d = ParamDistribution::Categorical("algo", {"IALSRecommender", nullptr, 3, 2.5, true, 1.0});
  EXPECT_EQ(ToOptunaDistributionJson(d),
            R"({"name": "CategoricalDistribution", "attributes": )"
            R"({"choices": ["IALSRecommender", null, 3, 2.5, true, 1.0]}})");
}

TEST(OptunaDistributionJson, RoundTripsEveryKind) {
  for (const ParamDistribution& d :
       {ParamDistribution::IntLog("p", 8, 128), ParamDistribution::IntUniform("p", -3, 3),
        ParamDistribution::FloatLog("p", 1e-6, 0.5), ParamDistribution::FloatUniform("p", -1, 1),
        ParamDistribution::Categorical("p", {"a", 1, 1.5, false})}) {
    ParamDistribution back = FromOptunaDistributionJson("p", ToOptunaDistributionJson(d));
    EXPECT_EQ(back.name, "p");
    EXPECT_EQ(back.kind, d.kind);
    EXPECT_EQ(back.low, d.low);
    EXPECT_EQ(back.high, d.high);
    EXPECT_EQ(back.choices, d.choices);
    EXPECT_EQ(ToOptunaDistributionJson(back), ToOptunaDistributionJson(d));
  }
}

TEST(OptunaDistributionJson, ReadsOptunaKeyOrderAndLegacyNames) {
  ParamDistribution d = FromOptunaDistributionJson(
      "x", R"({"attributes": {"high": 2, "low": 1, "log": true}, "name": "FloatDistribution"})");
  EXPECT_EQ(d.kind, DistributionKind::kFloatLog);
  EXPECT_EQ(d.low, 1.0);
  EXPECT_EQ(FromOptunaDistributionJson(
                "x", R"({"name": "LogUniformDistribution", "attributes": {"low": 1, "high": 2}})")
                .kind,
            DistributionKind::kFloatLog);
  EXPECT_EQ(FromOptunaDistributionJson(
                "x", R"({"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 9}})")
                .kind,
            DistributionKind::kIntUniform);
}

TEST(OptunaDistributionJson, RejectsWhatRecotemCannotRepresent) {
  EXPECT_THROW(
      FromOptunaDistributionJson("x", R"({"name": "IntDistribution", "attributes": )"
                                      R"({"log": false, "step": 2, "low": 2, "high": 10}})"),
      std::runtime_error);
  EXPECT_THROW(
      FromOptunaDistributionJson("x", R"({"name": "FloatDistribution", "attributes": )"
                                      R"({"step": 0.25, "low": 0.0, "high": 1.0, "log": false}})"),
      std::runtime_error);
  EXPECT_THROW(FromOptunaDistributionJson("x", "{not json"), std::runtime_error);
  EXPECT_THROW(FromOptunaDistributionJson("x", R"({"name": "Mystery", "attributes": {}})"),
               std::runtime_error);
}

}  // namespace
}  // namespace recotem::tune::storage
