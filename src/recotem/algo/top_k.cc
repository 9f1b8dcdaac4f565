#include "recotem/algo/top_k.h"

#include "recotem/algo/multiversion.h"
#include "recotem/algo/vec16.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RECOTEM_GATHER_X86 1
#endif

namespace recotem {

RECOTEM_MULTIVERSION void StridedMaxima(const float* scores, size_t n, float* maxima) {
  // Four 16-lane accumulators (registers on AVX-512) over whole blocks of
  // 64; `v > m ? v : m` is exactly max, so NaN never wins.
  constexpr size_t kVectors = kMaximaGroups / 16;
  Vec16 block_max[kVectors];
  for (Vec16& m : block_max) m = Vec16{} - std::numeric_limits<float>::infinity();
  const size_t whole = n - n % kMaximaGroups;
  for (size_t i = 0; i < whole; i += kMaximaGroups) {
    for (size_t q = 0; q < kVectors; ++q) {
      const Vec16 v = Lanes(scores + i + 16 * q);
      block_max[q] = v > block_max[q] ? v : block_max[q];
    }
  }
  for (size_t q = 0; q < kVectors; ++q) Lanes(maxima + 16 * q) = block_max[q];
  for (size_t i = whole; i < n; ++i) {
    const float v = scores[i];
    maxima[i - whole] = v > maxima[i - whole] ? v : maxima[i - whole];
  }
}

RECOTEM_MULTIVERSION float BarBelowRankedMaxima(const float* maxima, size_t rank) {
  typedef int32_t Int16 __attribute__((vector_size(64)));
  constexpr size_t kVectors = kMaximaGroups / 16;
  Vec16 values[kVectors];
  Int16 above[kVectors];
  for (size_t q = 0; q < kVectors; ++q) {
    values[q] = Lanes(maxima + 16 * q);
    above[q] = Int16{};
  }
  for (size_t i = 0; i < kMaximaGroups; ++i) {
    const Vec16 other = Vec16{} + maxima[i];
    for (size_t q = 0; q < kVectors; ++q) above[q] -= other > values[q];  // true is −1
  }
  const Vec16 none = Vec16{} - std::numeric_limits<float>::infinity();
  Vec16 best = none;
  for (size_t q = 0; q < kVectors; ++q) {
    const Vec16 eligible = above[q] >= static_cast<int32_t>(rank) ? values[q] : none;
    best = eligible > best ? eligible : best;
  }
  float bar = best[0];
  for (int l = 1; l < 16; ++l) bar = best[l] > bar ? best[l] : bar;
  return bar;
}

#if defined(RECOTEM_GATHER_X86)

bool GatherAboveHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") != 0;
  return has;
}

__attribute__((target("avx512f"))) size_t GatherAboveAvx512(const float* scores, size_t begin,
                                                            size_t end, float bar, int32_t* out) {
  const __m512 threshold = _mm512_set1_ps(bar);
  __m512i positions =
      _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(begin)),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  const __m512i step = _mm512_set1_epi32(16);
  size_t m = 0;
  size_t i = begin;
  for (; i + 16 <= end; i += 16) {
    // Ordered, quiet: NaN never passes.
    const __mmask16 above = _mm512_cmp_ps_mask(_mm512_loadu_ps(scores + i), threshold, _CMP_GT_OQ);
    // A full 16-lane store of the compressed positions (a masked compress
    // store is slow on some cores); `out` has room for the spare lanes.
    _mm512_storeu_si512(out + m, _mm512_maskz_compress_epi32(above, positions));
    m += static_cast<size_t>(__builtin_popcount(above));
    positions = _mm512_add_epi32(positions, step);
  }
  return m + GatherAbove<float>(scores, i, end, bar, out + m);
}

size_t GatherAboveSse2(const float* scores, size_t begin, size_t end, float bar, int32_t* out) {
  const __m128 threshold = _mm_set1_ps(bar);
  auto above = [&](size_t at) {
    return _mm_movemask_ps(_mm_cmpgt_ps(_mm_loadu_ps(scores + at), threshold));
  };
  size_t m = 0;
  size_t i = begin;
  for (; i + 16 <= end; i += 16) {
    auto mask = static_cast<unsigned>(above(i) | above(i + 4) << 4 | above(i + 8) << 8 |
                                      above(i + 12) << 12);
    for (; mask != 0; mask &= mask - 1) {
      out[m++] = static_cast<int32_t>(i + static_cast<size_t>(__builtin_ctz(mask)));
    }
  }
  return m + GatherAbove<float>(scores, i, end, bar, out + m);
}

#endif

size_t GatherAbove(const float* scores, size_t begin, size_t end, float bar, int32_t* out) {
#if defined(RECOTEM_GATHER_X86)
  return GatherAboveHasAvx512() ? GatherAboveAvx512(scores, begin, end, bar, out)
                                : GatherAboveSse2(scores, begin, end, bar, out);
#else
  return GatherAbove<float>(scores, begin, end, bar, out);
#endif
}

}  // namespace recotem
