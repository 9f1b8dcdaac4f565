// Accuracy on MovieLens 100K against the reference numbers of issue #5
// (irspack 0.5.1, random split heldout 0.1, seed 42, cutoff 20): each
// deterministic algorithm within ±0.01 ndcg@20, IALS and TruncatedSVD within
// ±0.02, and BPRFM above TopPop. Skips when ../shared/data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/tune/evaluator.h"
#include "recotem/tune/split.h"

namespace recotem::tune {
namespace {

std::filesystem::path DataFile() {
  return std::filesystem::path(RECOTEM_SOURCE_DIR) / ".." / "shared" / "data" / "ml-100k" /
         "u.data";
}

class MovieLens100k : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(DataFile());
    if (!in) return;
    Interactions data;
    std::string user, item, rest;
    while (in >> user >> item) {
      std::getline(in, rest);
      data.user_index.push_back(data.users.GetOrAdd(user));
      data.item_index.push_back(data.items.GetOrAdd(item));
    }
    split_ = std::make_unique<TrainValidationSplit>(SplitInteractions(data, SplitOptions{}));
    evaluator_ = std::make_unique<Evaluator>(split_->train, split_->validation,
                                             split_->validation_users, 20);
  }
  static void TearDownTestSuite() {
    evaluator_.reset();
    split_.reset();
  }
  void SetUp() override {
    if (!split_) GTEST_SKIP() << "ML-100k not found at " << DataFile() << "; accuracy not checked";
  }

  static double Ndcg(const char* algorithm, const HyperParams& params) {
    const AlgorithmRegistry& registry = AlgorithmRegistry::Default();
    std::unique_ptr<Recommender> model =
        registry.Find(*registry.ResolveAny(algorithm))->create(params);
    model->Fit(split_->train);
    return evaluator_->Evaluate(*model).ndcg;
  }

  static std::unique_ptr<TrainValidationSplit> split_;
  static std::unique_ptr<Evaluator> evaluator_;
};

std::unique_ptr<TrainValidationSplit> MovieLens100k::split_;
std::unique_ptr<Evaluator> MovieLens100k::evaluator_;

TEST_F(MovieLens100k, SplitHoldsOutTheReferenceInteractionCounts) {
  EXPECT_EQ(split_->train.nnz(), 90404);
  EXPECT_EQ(split_->validation.nnz(), 9596);
  EXPECT_EQ(split_->validation_users.size(), 943u);
}

TEST_F(MovieLens100k, DeterministicAlgorithmsMatchTheReferenceWithinOneHundredth) {
  EXPECT_NEAR(Ndcg("TopPop", HyperParams::object()), 0.1469, 0.01);
  EXPECT_NEAR(Ndcg("CosineKNN", HyperParams::object()), 0.2157, 0.01);
  EXPECT_NEAR(Ndcg("RP3beta", HyperParams{{"alpha", 1}, {"beta", 0.6}}), 0.3073, 0.01);
  EXPECT_NEAR(Ndcg("DenseSLIM", HyperParams{{"reg", 1}}), 0.2032, 0.01);
}

TEST_F(MovieLens100k, IalsAndTruncatedSvdMatchTheReferenceWithinTwoHundredths) {
  EXPECT_NEAR(Ndcg("IALS", HyperParams{{"n_components", 64},
                                       {"alpha0", 1},
                                       {"reg", 1e-3},
                                       {"train_epochs", 10},
                                       {"max_cg_steps", 3},
                                       {"init_std", 0.1}}),
              0.3137, 0.02);
  EXPECT_NEAR(Ndcg("TruncatedSVD", HyperParams{{"n_components", 4}}), 0.2699, 0.02);
}

TEST_F(MovieLens100k, BprfmBeatsTopPop) {
  double top_pop = Ndcg("TopPop", HyperParams::object());
  double bpr =
      Ndcg("BPRFM", HyperParams{{"n_components", 64}, {"loss", "warp"}, {"train_epochs", 10}});
  EXPECT_GT(bpr, top_pop + 0.05);
}

}  // namespace
}  // namespace recotem::tune
