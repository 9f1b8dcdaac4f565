// Vec16: 16 floats as one value (a GCC vector extension: one AVX-512
// register, or several narrower ones on older targets) and the reductions
// the hand-written kernels share (IALS's CG products, one-user scoring).
// Internal to algo/; kernels that use it are compiled per x86-64 level
// (multiversion.h).
#pragma once

#include <cstdint>

namespace recotem {

// Lanes() views 16 floats in place at any float alignment; no function
// takes or returns a Vec16 by value (that would change the ABI on targets
// without AVX-512).
typedef float Vec16 __attribute__((vector_size(64)));
typedef float UnalignedVec16 __attribute__((vector_size(64), aligned(4), may_alias));

inline const UnalignedVec16& Lanes(const float* p) {
  return *reinterpret_cast<const UnalignedVec16*>(p);
}
inline UnalignedVec16& Lanes(float* p) { return *reinterpret_cast<UnalignedVec16*>(p); }

inline float HorizontalSum(const Vec16& v) {
  typedef float Vec8 __attribute__((vector_size(32)));
  typedef float Vec4 __attribute__((vector_size(16)));
  Vec8 s8 = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
            __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  Vec4 s4 =
      __builtin_shufflevector(s8, s8, 0, 1, 2, 3) + __builtin_shufflevector(s8, s8, 4, 5, 6, 7);
  return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

// Sums each of 16 vectors: out[r] = Σ_lanes a[r]. A shuffle tree across the
// rows (halving the partial sums per row at each level) costs about three
// operations per row instead of a full horizontal reduction each.
inline void SumLanesOfSixteen(const Vec16 (&a)[16], float* out) {
  Vec16 b[8], c[4], d[2];
  for (int64_t p = 0; p < 8; ++p) {
    b[p] = __builtin_shufflevector(a[2 * p], a[2 * p + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19,
                                   20, 21, 22, 23) +
           __builtin_shufflevector(a[2 * p], a[2 * p + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26,
                                   27, 28, 29, 30, 31);
  }
  for (int64_t q = 0; q < 4; ++q) {
    c[q] = __builtin_shufflevector(b[2 * q], b[2 * q + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19,
                                   24, 25, 26, 27) +
           __builtin_shufflevector(b[2 * q], b[2 * q + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22,
                                   23, 28, 29, 30, 31);
  }
  for (int64_t r = 0; r < 2; ++r) {
    d[r] = __builtin_shufflevector(c[2 * r], c[2 * r + 1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21,
                                   24, 25, 28, 29) +
           __builtin_shufflevector(c[2 * r], c[2 * r + 1], 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22,
                                   23, 26, 27, 30, 31);
  }
  Lanes(out) = __builtin_shufflevector(d[0], d[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
                                       26, 28, 30) +
               __builtin_shufflevector(d[0], d[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,
                                       27, 29, 31);
}

}  // namespace recotem
