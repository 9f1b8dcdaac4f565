#include "recotem/core/hashing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "recotem/core/strings.h"

namespace recotem {

namespace {

// SHA-256 as fetched once: EVP_sha256() makes every EVP_Digest look the
// implementation up again (OpenSSL 3), a third of the cost of hashing an
// API key.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Random bytes are drawn from the CSPRNG a block at a time per thread (one
// RAND_bytes call — its locking and fork check — per 4 KiB instead of per
// request id). A fork empties every block: the child must not reuse bytes
// the parent hands out too.
constexpr size_t kRandomBlockBytes = 4096;
std::atomic<uint64_t> g_fork_generation{0};

void BumpForkGeneration() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

struct RandomBlock {
  std::array<uint8_t, kRandomBlockBytes> bytes{};
  size_t used = kRandomBlockBytes;
  uint64_t generation = 0;

  void Take(uint8_t* out, size_t n) {
    static const bool registered = pthread_atfork(nullptr, nullptr, BumpForkGeneration) == 0;
    (void)registered;
    const uint64_t now = g_fork_generation.load(std::memory_order_relaxed);
    if (generation != now) {
      used = kRandomBlockBytes;
      generation = now;
    }
    if (used + n > kRandomBlockBytes) {
      if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("CSPRNG failed");
      }
      used = 0;
    }
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(used), n, out);
    std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(used), n, uint8_t{0});
    used += n;
  }
};

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> data) {
  Sha256Digest out{};
  unsigned int len = 0;
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return out;
}

Sha256Digest Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

std::string Sha256Hex(std::span<const uint8_t> data) { return HexEncode(Sha256(data)); }
std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex2(static_cast<EVP_MD_CTX*>(ctx_), Sha256Md(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 init failed");
  }
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Hasher::Update(std::span<const uint8_t> data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &len);
  return out;
}

Sha256Digest HmacSha256(std::span<const uint8_t> key,
                        std::initializer_list<std::span<const uint8_t>> parts) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
                         OSSL_PARAM_construct_end()};
  Sha256Digest out{};
  size_t out_len = 0;
  bool ok = ctx != nullptr && EVP_MAC_init(ctx, key.data(), key.size(), params) == 1;
  for (auto part : parts) {
    ok = ok && EVP_MAC_update(ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_MAC_final(ctx, out.data(), &out_len, out.size()) == 1;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  if (!ok || out_len != out.size()) throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return ConstantTimeEqual(AsBytes(a), AsBytes(b));
}

std::vector<uint8_t> Scrypt(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                            uint64_t n, uint64_t r, uint64_t p, size_t dk_len) {
  std::vector<uint8_t> out(dk_len);
  // EVP_PBE_scrypt accepts any power of two N > 1, including the N=2 of
  // auth.md §1. maxmem 0 = OpenSSL's default bound (32 MiB).
  if (EVP_PBE_scrypt(reinterpret_cast<const char*>(password.data()), password.size(), salt.data(),
                     salt.size(), n, r, p, 0, out.data(), out.size()) != 1) {
    throw std::runtime_error("scrypt failed");
  }
  return out;
}

std::vector<uint8_t> RandomBytes(size_t n) {
  std::vector<uint8_t> out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("CSPRNG failed");
  }
  return out;
}

std::string RandomUuid4() {
  thread_local RandomBlock block;
  std::array<uint8_t, 16> b{};
  block.Take(b.data(), b.size());
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

}  // namespace recotem
