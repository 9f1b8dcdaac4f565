// SelectTopK: the k best entries of a score row by partial selection, in
// O(n + k log k) for the typical row (one comparison per rejected entry).
// Order: higher score first, equal scores by lower index first, so the
// result is deterministic. NaN ranks as −∞. Used by the evaluator, by the
// similarity learners (top-k neighbours per row) and by serving.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace recotem {

template <typename T>
struct ScoredIndex {
  T score;
  int32_t index;
};

// True when (sa, ia) ranks before (sb, ib).
template <typename T>
inline bool RanksBefore(T sa, int32_t ia, T sb, int32_t ib) {
  return sa > sb || (sa == sb && ia < ib);
}

// The rank key of a score: NaN ranks as −∞.
template <typename T>
inline T RankKey(T s) {
  return std::isnan(s) ? -std::numeric_limits<T>::infinity() : s;
}

// A value that about `wanted` of the n scores exceed, read off 64 scores at
// a stride (the rank within the sample is `wanted` scaled to the
// sample, plus `margin` sample ranks). Used by SelectTopKPositions on long
// rows.
template <typename T>
T SampledBar(std::span<const T> scores, size_t wanted, size_t margin) {
  constexpr size_t kSample = 64;
  const size_t stride = scores.size() / kSample;
  const size_t rank = std::min(kSample - 1, wanted * kSample / scores.size() + margin);
  std::array<T, kSample> sample;
  for (size_t j = 0; j < kSample; ++j) sample[j] = RankKey(scores[j * stride]);
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank), sample.end(),
                   [](T a, T b) { return a > b; });
  return sample[rank];
}

// maxima[j] = the largest of scores[i] over i mod 64 = j (−∞ when none;
// NaN never a maximum). The float version is compiled per x86-64 level
// (the 64 maxima stay in four AVX-512 registers).
inline constexpr size_t kMaximaGroups = 64;
void StridedMaxima(const float* scores, size_t n, float* maxima);

template <typename T>
void StridedMaxima(const T* scores, size_t n, T* maxima) {
  std::fill(maxima, maxima + kMaximaGroups, -std::numeric_limits<T>::infinity());
  for (size_t i = 0; i < n; ++i) {
    T& m = maxima[i % kMaximaGroups];
    m = scores[i] > m ? scores[i] : m;
  }
}

// The largest of the 64 `maxima` that at least `rank` of the others beat
// (−∞ when none does): a bar at least `rank` entries beat, ties or not. The
// float version is compiled per x86-64 level (branch-free: every maximum
// counts the others above it in vector lanes).
float BarBelowRankedMaxima(const float* maxima, size_t rank);

template <typename T>
T BarBelowRankedMaxima(const T* maxima, size_t rank) {
  T bar = -std::numeric_limits<T>::infinity();
  for (size_t j = 0; j < kMaximaGroups; ++j) {
    size_t above = 0;
    for (size_t i = 0; i < kMaximaGroups; ++i) above += maxima[i] > maxima[j] ? 1 : 0;
    if (above >= rank && maxima[j] > bar) bar = maxima[j];
  }
  return bar;
}

// BarBelowRankedMaxima of the maxima of 64 strided groups (entry i in group
// i mod 64): at least `rank` entries beat it, and on a row whose best
// entries are spread out few more do.
template <typename T>
T StridedMaximaBar(std::span<const T> scores, size_t rank) {
  std::array<T, kMaximaGroups> maxima;
  StridedMaxima(scores.data(), scores.size(), maxima.data());
  return BarBelowRankedMaxima(maxima.data(), rank);
}

// Writes to `out` the positions i in [begin, end) whose score beats `bar`
// (NaN never does), in order, and returns how many. `out` must have room for
// end − begin + 16 positions. With AVX-512 (checked once, at run time) each
// 16 scores are one comparison and one compressed store with no branch;
// otherwise 16 scores per SSE2 comparison, positions taken bit by bit.
size_t GatherAbove(const float* scores, size_t begin, size_t end, float bar, int32_t* out);

#if defined(__x86_64__) && defined(__GNUC__)
// The two x86-64 paths of GatherAbove, for tests (the first only when
// GatherAboveHasAvx512()).
size_t GatherAboveAvx512(const float* scores, size_t begin, size_t end, float bar, int32_t* out);
size_t GatherAboveSse2(const float* scores, size_t begin, size_t end, float bar, int32_t* out);
bool GatherAboveHasAvx512();
#endif

template <typename T>
size_t GatherAbove(const T* scores, size_t begin, size_t end, T bar, int32_t* out) {
  size_t m = 0;
  for (size_t i = begin; i < end; ++i) {
    out[m] = static_cast<int32_t>(i);
    m += scores[i] > bar ? 1 : 0;
  }
  return m;
}

// SelectTopK for a long row and a small k: the positions whose score beats
// a bar are gathered, 256 entries at a time, and only those are ranked. The
// bar starts at StridedMaximaBar(k) (k < 64; −∞ otherwise): at least k
// entries beat it, on served and evaluated rows about k + 1. Whenever 16k + 64 have
// gathered, the k best of them are kept and the k-th becomes the bar (an
// entry that does not beat the k best seen so far cannot be in the top k:
// equal scores rank by the lower index, which the earlier entry has). Exact;
// returns false, leaving `out` to be refilled, when fewer than k entries
// beat the starting bar (only when k ≥ 64 and the row is mostly −∞ or NaN).
template <typename T>
bool SelectTopKAboveRunningBar(std::span<const T> scores, size_t k,
                               std::vector<ScoredIndex<T>>& out) {
  constexpr size_t kChunk = 256;
  const size_t n = scores.size();
  const T* s = scores.data();
  const size_t capacity = 16 * k + 64;
  thread_local std::vector<int32_t> positions;
  positions.resize(capacity + kChunk + 16);
  auto better = [s](int32_t a, int32_t b) { return RanksBefore(s[a], a, s[b], b); };
  // Moves the k best of the first m positions to the front, k-th last.
  auto front_k_best = [&](size_t m) {
    std::nth_element(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(k - 1),
                     positions.begin() + static_cast<std::ptrdiff_t>(m), better);
  };
  T bar = k < 64 ? StridedMaximaBar(scores, k) : -std::numeric_limits<T>::infinity();
  size_t m = 0;
  for (size_t begin = 0; begin < n; begin += kChunk) {
    m += GatherAbove(s, begin, std::min(n, begin + kChunk), bar, positions.data() + m);
    if (m >= capacity) {
      front_k_best(m);
      bar = s[positions[k - 1]];
      m = k;
    }
  }
  if (m < k) return false;
  front_k_best(m);
  std::sort(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(k), better);
  out.resize(k);
  for (size_t j = 0; j < k; ++j) out[j] = {s[positions[j]], positions[j]};
  return true;
}

// Writes the min(k, scores.size()) best entries of `scores` into `out`,
// best first. `out` is cleared first; its capacity is reused.
template <typename T>
void SelectTopK(std::span<const T> scores, size_t k, std::vector<ScoredIndex<T>>& out) {
  out.clear();
  const size_t n = scores.size();
  k = std::min(k, n);
  if (k == 0) return;
  constexpr size_t kRunningBarMinRow = 512;
  if (n >= kRunningBarMinRow && k * 32 <= n && SelectTopKAboveRunningBar(scores, k, out)) return;
  out.clear();
  // Heap ordered so that the worst kept entry is on top.
  auto worse_on_top = [](const ScoredIndex<T>& a, const ScoredIndex<T>& b) {
    return RanksBefore(a.score, a.index, b.score, b.index);
  };
  out.reserve(k);
  for (size_t i = 0; i < k; ++i) out.push_back({RankKey(scores[i]), static_cast<int32_t>(i)});
  std::make_heap(out.begin(), out.end(), worse_on_top);
  T worst = out.front().score;
  for (size_t i = k; i < n; ++i) {
    // Indices grow, so an equal score never beats a kept entry.
    if (scores[i] > worst) {
      std::pop_heap(out.begin(), out.end(), worse_on_top);
      out.back() = {scores[i], static_cast<int32_t>(i)};
      std::push_heap(out.begin(), out.end(), worse_on_top);
      worst = out.front().score;
    }
  }
  std::sort_heap(out.begin(), out.end(), worse_on_top);
}

// Writes into `kept` the positions of the same min(k, n) entries SelectTopK
// would choose, in ascending position order (what a sparse row needs). Linear
// time: the k-th best value is found by nth_element on a copy (`scratch`).
template <typename T>
void SelectTopKPositions(std::span<const T> scores, size_t k, std::vector<T>& scratch,
                         std::vector<int32_t>& kept) {
  kept.clear();
  const size_t n = scores.size();
  k = std::min(k, n);
  if (k == 0) return;
  auto descending = [](T a, T b) { return a > b; };
  // The k-th best value. On long rows only the entries above a bar read off
  // a strided sample (set so that about k + k/4 + 2·stride entries beat
  // it) are searched: when at least k beat the bar, the k-th best is among
  // them.
  constexpr size_t kSampledMinRow = 256;
  size_t candidates = 0;
  if (n >= kSampledMinRow && k < n - n / 8) {
    const T bar = SampledBar(scores, k + k / 4, 2);
    scratch.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const T s = RankKey(scores[i]);
      scratch[candidates] = s;
      candidates += s > bar ? 1 : 0;
    }
    if (candidates < k) candidates = 0;
  }
  if (candidates == 0) {
    scratch.resize(n);
    for (size_t i = 0; i < n; ++i) scratch[i] = RankKey(scores[i]);
    candidates = n;
  }
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k - 1),
                   scratch.begin() + static_cast<std::ptrdiff_t>(candidates), descending);
  const T threshold = scratch[k - 1];
  size_t above = 0;
  for (size_t i = 0; i < n; ++i) above += RankKey(scores[i]) > threshold ? 1 : 0;
  size_t ties_left = k - above;  // entries equal to the threshold, lowest positions first
  kept.reserve(k);
  for (size_t i = 0; i < n; ++i) {
    const T s = RankKey(scores[i]);
    bool take = s > threshold;
    if (!take && s == threshold && ties_left > 0) {
      take = true;
      --ties_left;
    }
    if (take) kept.push_back(static_cast<int32_t>(i));
  }
}

}  // namespace recotem
