#include "recotem/serve/verified_key_cache.h"

#include <cstring>

namespace recotem::serve {

size_t VerifiedKeyCache::DigestHash::operator()(const Sha256Digest& d) const {
  // The digest is already uniformly distributed: its first bytes are a hash.
  size_t h = 0;
  std::memcpy(&h, d.data(), sizeof(h));
  return h;
}

VerifiedKeyCache::VerifiedKeyCache(size_t capacity) : lru_(capacity) {}

std::optional<size_t> VerifiedKeyCache::Lookup(std::string_view header_value) {
  Sha256Digest digest = Sha256(header_value);
  std::lock_guard<std::mutex> lock(mu_);
  const size_t* index = lru_.Get(digest);
  if (index == nullptr) {
    return std::nullopt;
  }
  return *index;
}

void VerifiedKeyCache::InsertVerified(std::string_view header_value, size_t ring_index) {
  Sha256Digest digest = Sha256(header_value);
  std::lock_guard<std::mutex> lock(mu_);
  lru_.Put(digest, ring_index);
}

size_t VerifiedKeyCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

size_t VerifiedKeyCache::capacity() const { return lru_.capacity(); }

}  // namespace recotem::serve
