#include "recotem/train/progress_bar.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

TEST(ProgressBar, ShowsTrialCountAlgorithmBestElapsedAndEta) {
  std::string line = ProgressBar::Render(10, 40, "IALSRecommender", 0.35123, 5.0);
  EXPECT_EQ(line,
            "[######..................] trial 10/40  IALSRecommender  best 0.3512  elapsed 5.0s"
            "  ETA 15.0s");
}

TEST(ProgressBar, HasNoBestBeforeACompletedTrialAndNoEtaAtTheEnd) {
  EXPECT_EQ(ProgressBar::Render(0, 4, "", std::nullopt, 0.0),
            "[........................] trial 0/4  best -  elapsed 0.0s");
  EXPECT_EQ(ProgressBar::Render(4, 4, "TopPopRecommender", 0.1, 75.0),
            "[########################] trial 4/4  TopPopRecommender  best 0.1000  elapsed 1m15s");
}

TEST(ProgressBar, IsNotWantedWhenQuiet) { EXPECT_FALSE(ProgressBar::Wanted(true)); }

}  // namespace
}  // namespace recotem
