// The frozen alias table of recipe.md §9.1.
#include "recotem/recipe/algorithm_names.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

TEST(AlgorithmNames, ResolvesAliasesCanonicalNamesAndSuffixlessNamesInAnyCase) {
  EXPECT_EQ(ResolveAlgorithmName("ials"), "IALSRecommender");
  EXPECT_EQ(ResolveAlgorithmName("IalsRecommender"), "IALSRecommender");
  EXPECT_EQ(ResolveAlgorithmName("toppoprecommender"), "TopPopRecommender");
  EXPECT_EQ(ResolveAlgorithmName("rp3BETA"), "RP3betaRecommender");
  EXPECT_EQ(ResolveAlgorithmName("CosinekNN"), "CosineKNNRecommender");
  EXPECT_EQ(ResolveAlgorithmName("CosineKNN"), "CosineKNNRecommender");
  EXPECT_EQ(ResolveAlgorithmName("DenseSLIM"), "DenseSLIMRecommender");
  EXPECT_EQ(ResolveAlgorithmName("truncatedsvd"), "TruncatedSVDRecommender");
  EXPECT_EQ(ResolveAlgorithmName("BPRFM"), "BPRFMRecommender");
}

TEST(AlgorithmNames, RejectsNamesOutsideTheFrozenSet) {
  for (const char* name : {"cosine_knn", "P3alpha", "SLIM", "EASE", "AsymmetricCosineKNN", "",
                           "Recommender", "IALS "}) {
    EXPECT_FALSE(ResolveAlgorithmName(name).has_value()) << name;
  }
}

TEST(AlgorithmNames, UnicodeCaseFoldingOfKelvinSignAndLongS) {
  // U+212A KELVIN SIGN folds to 'k', U+017F LONG S to 's' (Python casefold).
  EXPECT_EQ(ResolveAlgorithmName("Cosine\u212ANN"), "CosineKNNRecommender");
  EXPECT_EQ(ResolveAlgorithmName("IAL\u017F"), "IALSRecommender");
}

}  // namespace
}  // namespace recotem
