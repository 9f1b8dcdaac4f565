// AlignedVector<T>: a std::vector whose data starts on a cache-line
// boundary. The vector kernels load whole 64-byte lines of factor rows; with
// malloc's 16-byte alignment every such load of a padded row straddles two
// cache lines (large blocks come from mmap at page + 16 bytes), which made
// an IALS fit up to 25 % slower depending on where the allocator put it.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace recotem {

inline constexpr std::size_t kCacheLineBytes = 64;

template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U>
  explicit CacheLineAllocator(const CacheLineAllocator<U>& /*other*/) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{kCacheLineBytes}));
  }
  void deallocate(T* p, std::size_t /*n*/) {
    ::operator delete (p, std::align_val_t{kCacheLineBytes});
  }
  template <typename U>
  bool operator==(const CacheLineAllocator<U>& /*other*/) const {
    return true;
  }
};

template <typename T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

template <typename T>
AlignedVector<T> ToAligned(const std::vector<T>& values) {
  return AlignedVector<T>(values.begin(), values.end());
}

}  // namespace recotem
