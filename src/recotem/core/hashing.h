// Cryptographic primitives on OpenSSL 3: SHA-256, HMAC-SHA256, scrypt,
// constant-time comparison and the OS CSPRNG. Everything else that hashes
// goes through here (one way to do a thing).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::span<const uint8_t> data);
Sha256Digest Sha256(std::string_view data);
std::string Sha256Hex(std::span<const uint8_t> data);
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256 for data that arrives in pieces.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::span<const uint8_t> data);
  Sha256Digest Finish();

 private:
  void* ctx_;
};

// HMAC-SHA256 over the concatenation of `parts` (no separators).
Sha256Digest HmacSha256(std::span<const uint8_t> key,
                        std::initializer_list<std::span<const uint8_t>> parts);

// Constant-time equality; lengths are compared first (length is not secret).
bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// RFC 7914 scrypt. Throws std::runtime_error if OpenSSL rejects the
// parameters.
std::vector<uint8_t> Scrypt(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                            uint64_t n, uint64_t r, uint64_t p, size_t dk_len);

// `n` bytes from the OS CSPRNG.
std::vector<uint8_t> RandomBytes(size_t n);

// Random UUIDv4 in canonical 36-char lowercase form.
std::string RandomUuid4();

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace recotem
