#include "recotem/algo/hyper_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace recotem {
namespace {

TEST(ParamReader, ReturnsDefaultsForMissingOrNullParameters) {
  HyperParams params = {{"top_k", nullptr}};
  ParamReader reader(params, "Test");
  EXPECT_EQ(reader.Int("top_k", 100, 1, 1000), 100);
  EXPECT_EQ(reader.Double("shrinkage", 0.5, 0, 10), 0.5);
  EXPECT_TRUE(reader.Bool("normalize", true));
  EXPECT_EQ(reader.Choice("loss", "bpr", {"bpr", "warp"}), "bpr");
  EXPECT_NO_THROW(reader.Finish());
}

TEST(ParamReader, AcceptsIntegralFloatsAsIntegersAndCanonicalisesChoices) {
  HyperParams params = {{"n_components", 64.0}, {"solver_type", "cholesky"}, {"reg", 1}};
  ParamReader reader(params, "Test");
  EXPECT_EQ(reader.Int("n_components", 20, 1, 300), 64);
  EXPECT_EQ(reader.Choice("solver_type", "CG", {"CG", "CHOLESKY"}), "CHOLESKY");
  EXPECT_EQ(reader.Double("reg", 0, 0, 10), 1.0);
}

TEST(ParamReader, RejectsWrongTypesRangesAndNames) {
  auto read_int = [](HyperParams p) {
    ParamReader reader(p, "Test");
    reader.Int("k", 1, 1, 10);
  };
  EXPECT_THROW(read_int(HyperParams{{"k", 2.5}}), std::invalid_argument);
  EXPECT_THROW(read_int(HyperParams{{"k", "2"}}), std::invalid_argument);
  EXPECT_THROW(read_int(HyperParams{{"k", 11}}), std::invalid_argument);
  HyperParams bools = {{"normalize", "true"}};
  ParamReader bool_reader(bools, "Test");
  EXPECT_THROW(bool_reader.Bool("normalize", false), std::invalid_argument);
  HyperParams choices = {{"loss", "hinge"}};
  ParamReader choice_reader(choices, "Test");
  EXPECT_THROW(choice_reader.Choice("loss", "bpr", {"bpr", "warp"}), std::invalid_argument);
  HyperParams unknown = {{"top_k", 5}, {"topk", 5}};
  ParamReader unknown_reader(unknown, "Test");
  unknown_reader.Int("top_k", 1, 1, 10);
  EXPECT_THROW(unknown_reader.Finish(), std::invalid_argument);
  EXPECT_THROW(ParamReader(HyperParams::array(), "Test"), std::invalid_argument);
  HyperParams nan = {{"reg", std::nan("")}};
  ParamReader nan_reader(nan, "Test");
  EXPECT_THROW(nan_reader.Double("reg", 1, 0, 10), std::invalid_argument);
}

TEST(HyperParamsTensor, RoundTripsAndRejectsGarbage) {
  TensorMap map;
  HyperParams params = {{"reg", 0.5}, {"loss", "warp"}};
  SaveHyperParams(params, map);
  EXPECT_EQ(LoadHyperParams(map), params);
  TensorMap garbage;
  std::vector<uint8_t> bytes = {'{', '"', 'x'};
  garbage.Put<uint8_t>(kHyperParamsTensor, bytes);
  EXPECT_THROW(LoadHyperParams(garbage), std::invalid_argument);
  TensorMap not_object;
  std::vector<uint8_t> array = {'[', '1', ']'};
  not_object.Put<uint8_t>(kHyperParamsTensor, array);
  EXPECT_THROW(LoadHyperParams(not_object), std::invalid_argument);
  EXPECT_THROW(LoadHyperParams(TensorMap{}), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
