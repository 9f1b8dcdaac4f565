// VerifiedKeyCache: a bounded memo of API-key header values that already
// passed verification, so a valid request does not pay scrypt every time.
// This is a deliberate addition to auth.md §3 ("Caching: there is none");
// see docs/compatibility.md.
//
// Contract:
// * Keyed by SHA-256 of the presented header bytes. The plaintext is never
//   stored, and neither is the scrypt digest (the configured secret).
// * Only successes are cached (an entry maps to the index of the matching
//   ApiKeyRing entry), so a flood of wrong keys cannot evict good ones nor
//   make rejections cheaper than a real verification.
// * Bounded to `capacity` entries (default kDefaultCapacity) with
//   least-recently-used eviction.
// * The key ring is fixed for the process lifetime (RECOTEM_API_KEYS is read
//   once at start-up), so a cached index never goes stale.
// * Thread-safe: every method may be called concurrently (one mutex; the
//   critical sections are a hash lookup and a list splice).
// * Timing: a hit skips scrypt. Hits are only possible for a header that is
//   already a valid key, so the shortcut reveals nothing to a caller who does
//   not hold one.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>

#include "recotem/core/hashing.h"
#include "recotem/serve/bounded_lru.h"

namespace recotem::serve {

class VerifiedKeyCache {
 public:
  static constexpr size_t kDefaultCapacity = 1024;

  explicit VerifiedKeyCache(size_t capacity = kDefaultCapacity);
  VerifiedKeyCache(const VerifiedKeyCache&) = delete;
  VerifiedKeyCache& operator=(const VerifiedKeyCache&) = delete;

  // The ring index remembered for `header_value`, refreshing its recency;
  // nullopt when absent.
  std::optional<size_t> Lookup(std::string_view header_value);
  // Remembers that `header_value` verified as ring entry `ring_index`,
  // evicting the least recently used entry when full.
  void InsertVerified(std::string_view header_value, size_t ring_index);

  size_t size() const;
  size_t capacity() const;

 private:
  struct DigestHash {
    size_t operator()(const Sha256Digest& d) const;
  };

  mutable std::mutex mu_;
  BoundedLru<Sha256Digest, size_t, DigestHash> lru_;
};

}  // namespace recotem::serve
