#include "recotem/algo/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace recotem {
namespace {

// n scores: NaN one time in `nan_one_in`, otherwise an integer below `range`
// (small ranges give many ties).
std::vector<float> IntegersAndNaN(std::mt19937& rng, size_t n, unsigned nan_one_in,
                                  unsigned range) {
  std::vector<float> scores(n);
  for (float& s : scores) {
    s = rng() % nan_one_in == 0 ? std::nanf("") : static_cast<float>(rng() % range);
  }
  return scores;
}

template <typename T>
std::vector<int32_t> Indices(const std::vector<ScoredIndex<T>>& ranked) {
  std::vector<int32_t> out;
  out.reserve(ranked.size());
  for (const auto& r : ranked) out.push_back(r.index);
  return out;
}

TEST(SelectTopK, ReturnsBestFirstWithTiesByLowerIndex) {
  std::vector<float> scores = {1, 5, 3, 5, 0, 3};
  std::vector<ScoredIndex<float>> out;
  SelectTopK<float>(scores, 4, out);
  EXPECT_EQ(Indices(out), (std::vector<int32_t>{1, 3, 2, 5}));
  EXPECT_EQ(out[0].score, 5.0f);
}

TEST(SelectTopK, KeepsAllWhenKExceedsTheRow) {
  std::vector<float> scores = {2, 1};
  std::vector<ScoredIndex<float>> out;
  SelectTopK<float>(scores, 10, out);
  EXPECT_EQ(Indices(out), (std::vector<int32_t>{0, 1}));
  SelectTopK<float>(scores, 0, out);
  EXPECT_TRUE(out.empty());
}

TEST(SelectTopK, RanksNanAndMinusInfinityLast) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> scores = {std::nanf(""), -inf, 0.5f, -inf};
  std::vector<ScoredIndex<float>> out;
  SelectTopK<float>(scores, 3, out);
  EXPECT_EQ(out[0].index, 2);
  EXPECT_EQ(out.size(), 3u);
}

TEST(SelectTopK, AgreesWithAFullSortOnRandomRows) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(0, 20);  // many ties
  std::vector<ScoredIndex<double>> out;
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> scores(200);
    for (double& s : scores) s = value(rng);
    std::vector<int32_t> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int32_t a, int32_t b) { return scores[a] > scores[b]; });
    SelectTopK<double>(scores, 17, out);
    ASSERT_EQ(out.size(), 17u);
    for (size_t k = 0; k < out.size(); ++k) EXPECT_EQ(out[k].index, order[k]);
  }
}

// Long rows with a small k go through the running bar: ties, NaN, −∞,
// rising scores (a new bar every few entries), falling scores, a length that
// is not a multiple of 16 and scattered best entries must still give the
// full sort's answer.
TEST(SelectTopK, AgreesWithAFullSortOnLongRowsOfEveryShape) {
  std::mt19937 rng(5);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<ScoredIndex<float>> out;
  for (int shape = 0; shape < 8; ++shape) {
    // Rows of up to 3k · 256 entries start at a sample's bar, longer ones
    // (5003 with k 1, 20000 with k 3) at −∞.
    for (auto [n, k] : {std::pair<size_t, size_t>{1500, 7},
                        {1500, 20},
                        {5003, 1},
                        {5003, 7},
                        {5003, 20},
                        {5003, 100},
                        {20000, 3}}) {
      std::vector<float> scores(n);
      for (size_t i = 0; i < scores.size(); ++i) {
        switch (shape) {
          case 0:
            scores[i] = static_cast<float>(rng() % 50);
            break;  // many ties
          case 1:
            scores[i] = static_cast<float>(i) * 0.5f;
            break;  // rising
          case 2:
            scores[i] = rng() % 4 == 0 ? -inf : static_cast<float>(rng() % 1000);
            break;
          case 3:
            scores[i] = rng() % 3 == 0 ? std::nanf("") : static_cast<float>(rng() % 9);
            break;
          case 4:
            scores[i] = i + 13 < n ? -inf : static_cast<float>(i);
            break;  // mostly masked
          case 5:
            scores[i] = -static_cast<float>(i);
            break;  // falling: the best come first
          case 6:
            // The best entries are scattered (every 78th) among low ones.
            scores[i] =
                i % 78 == 1 ? 100.0f + static_cast<float>(i % 7) : static_cast<float>(i % 5);
            break;
          default:
            scores[i] = std::normal_distribution<float>()(rng);
            break;  // what evaluation and serving see
        }
      }
      auto key = [](float s) {
        return std::isnan(s) ? -std::numeric_limits<float>::infinity() : s;
      };
      std::vector<int32_t> order(scores.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
      std::stable_sort(order.begin(), order.end(),
                       [&](int32_t a, int32_t b) { return key(scores[a]) > key(scores[b]); });
      SelectTopK<float>(scores, k, out);
      ASSERT_EQ(out.size(), k) << "shape " << shape << " n " << n;
      for (size_t j = 0; j < k; ++j) {
        EXPECT_EQ(out[j].index, order[j])
            << "shape " << shape << " n " << n << " k " << k << " rank " << j;
      }
    }
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
// Both x86-64 gathers give the positions above the bar in order, for any
// start, length (tails shorter than 16) and bar, NaN and ±∞ included.
TEST(GatherAbove, TheVectorPathsAgreeWithAPlainLoop) {
  std::mt19937 rng(17);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> scores(700);
  for (float& s : scores) {
    const unsigned r = rng() % 20;
    s = r == 0 ? std::nanf("") : r == 1 ? inf : r == 2 ? -inf : static_cast<float>(rng() % 100);
  }
  std::vector<int32_t> out(scores.size() + 16);
  for (int trial = 0; trial < 500; ++trial) {
    const size_t begin = rng() % 300;
    const size_t end = begin + rng() % 400;
    const float bar = trial % 7 == 0 ? -inf : static_cast<float>(rng() % 110) - 5.0f;
    std::vector<int32_t> expected;
    for (size_t i = begin; i < end; ++i) {
      if (scores[i] > bar) expected.push_back(static_cast<int32_t>(i));
    }
    auto check = [&](size_t m, const char* path) {
      EXPECT_EQ(std::vector<int32_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(m)),
                expected)
          << path << " begin " << begin << " end " << end << " bar " << bar;
    };
    check(GatherAboveSse2(scores.data(), begin, end, bar, out.data()), "sse2");
    if (GatherAboveHasAvx512()) {
      check(GatherAboveAvx512(scores.data(), begin, end, bar, out.data()), "avx512");
    }
    check(GatherAbove(scores.data(), begin, end, bar, out.data()), "dispatched");
  }
}
#endif

// SampledBar is the (wanted · 64 / n + margin)-th best of 64 scores read at
// a stride, NaN as −∞, for small ranks and large.
TEST(SampledBar, IsTheRankedValueOfTheStridedSample) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 3000; ++trial) {
    const size_t n = 64 + rng() % 5000;
    std::vector<float> scores = IntegersAndNaN(rng, n, 5, trial % 3 == 0 ? 4 : 1000);
    const size_t wanted = 1 + rng() % 400;
    const size_t margin = rng() % 3;
    std::vector<float> sample;
    for (size_t j = 0; j < 64; ++j) {
      const float s = scores[j * (n / 64)];
      sample.push_back(std::isnan(s) ? -std::numeric_limits<float>::infinity() : s);
    }
    std::sort(sample.begin(), sample.end(), std::greater<>());
    const size_t rank = std::min<size_t>(63, wanted * 64 / n + margin);
    EXPECT_EQ(SampledBar<float>(scores, wanted, margin), sample[rank])
        << "n " << n << " wanted " << wanted << " margin " << margin;
  }
}

// StridedMaximaBar is the largest of the maxima of the 64 groups
// {i : i mod 64 = j} that at least `rank` other maxima beat (−∞ if none),
// NaN never a maximum; the float (vector) and double (plain) versions alike,
// on rows shorter and longer than 64, with many ties and few.
TEST(StridedMaximaBar, IsTheLargestMaximumThatRankOthersBeat) {
  std::mt19937 rng(23);
  for (int trial = 0; trial < 2000; ++trial) {
    const size_t n = 1 + rng() % 3000;
    const unsigned range = trial % 3 == 0 ? 5 : trial % 3 == 1 ? 50 : 100000;
    std::vector<float> scores = IntegersAndNaN(rng, n, 7, range);
    const size_t rank = 1 + rng() % 63;
    std::vector<float> maxima(64, -std::numeric_limits<float>::infinity());
    for (size_t i = 0; i < n; ++i) {
      if (scores[i] > maxima[i % 64]) maxima[i % 64] = scores[i];
    }
    float expected = -std::numeric_limits<float>::infinity();
    for (float m : maxima) {
      const auto above =
          std::count_if(maxima.begin(), maxima.end(), [m](float o) { return o > m; });
      if (static_cast<size_t>(above) >= rank && m > expected) expected = m;
    }
    EXPECT_EQ(StridedMaximaBar<float>(scores, rank), expected) << "n " << n << " rank " << rank;
    const std::vector<double> wide(scores.begin(), scores.end());
    EXPECT_EQ(StridedMaximaBar<double>(wide, rank), static_cast<double>(expected))
        << "n " << n << " rank " << rank;
  }
}

// SelectTopKPositions(scores, k) must be SelectTopK's choice in position order.
void ExpectPositionsOfSelectTopK(const std::vector<double>& scores, size_t k,
                                 const std::string& context) {
  std::vector<ScoredIndex<double>> ranked;
  SelectTopK<double>(scores, k, ranked);
  std::vector<int32_t> expected = Indices(ranked);
  std::sort(expected.begin(), expected.end());
  std::vector<double> scratch;
  std::vector<int32_t> kept;
  SelectTopKPositions<double>(scores, k, scratch, kept);
  EXPECT_EQ(kept, expected) << context << " k=" << k;
}

TEST(SelectTopKPositions, ChoosesTheSameEntriesAsSelectTopKInPositionOrder) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> value(0, 9);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> scores(120);
    for (double& s : scores) s = value(rng);
    for (size_t k : {size_t{1}, size_t{7}, size_t{60}, size_t{119}, size_t{500}}) {
      ExpectPositionsOfSelectTopK(scores, k, "trial " + std::to_string(trial));
    }
  }
}

// Rows of 256+ entries go through the sampled bar: ties, NaN, rising rows and
// best entries hidden between the sampled positions must choose the same.
TEST(SelectTopKPositions, LongRowsChooseTheSameEntriesAsSelectTopK) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int shape = 0; shape < 5; ++shape) {
    std::vector<double> scores(1682);
    for (size_t i = 0; i < scores.size(); ++i) {
      double v = uniform(rng);
      if (shape == 1) v = std::floor(v * 10);          // ties
      if (shape == 2 && i % 3 == 0) v = std::nan("");  // NaN
      if (shape == 3) v = static_cast<double>(i);      // rising
      if (shape == 4 && i % 97 == 5) v += 100.0;       // between samples
      scores[i] = v;
    }
    for (size_t k : {size_t{1}, size_t{20}, size_t{500}, size_t{1400}, size_t{1681}}) {
      ExpectPositionsOfSelectTopK(scores, k, "shape " + std::to_string(shape));
    }
  }
}

}  // namespace
}  // namespace recotem
