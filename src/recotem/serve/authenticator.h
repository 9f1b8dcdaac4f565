// Authenticator: the X-API-Key check of auth.md §3–5 for one process.
//
// * Keys configured (and no --insecure-no-auth): a missing header, a value
//   over 256 bytes or under 32 bytes is rejected after one dummy hash of 256
//   NUL bytes; otherwise the value (untrimmed, raw bytes) is hashed and
//   compared in constant time against every ring entry, first match wins.
//   Successful header values are memoised in a VerifiedKeyCache (keyed by
//   SHA-256 of the value, bounded, successes only) so repeat requests skip
//   scrypt.
// * No keys, or --insecure-no-auth: every request passes as "anonymous";
//   auth_anonymous_bypass (DEBUG) is logged each time and
//   auth_anonymous_bypass_first_seen (INFO) the first time a client host is
//   seen, tracked in a 1024-entry LRU.
// Events carry only the path, lengths and caps: never the key or its digest.
//
// Thread-safe: Authenticate() may be called concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "recotem/core/log.h"
#include "recotem/serve/api_key_ring.h"
#include "recotem/serve/bounded_lru.h"
#include "recotem/serve/verified_key_cache.h"

namespace recotem::serve {

inline constexpr const char* kApiKeyHeader = "x-api-key";  // lower-cased field name
inline constexpr size_t kMaxApiKeyHeaderBytes = 256;
inline constexpr size_t kMinApiKeyBytes = 32;
inline constexpr size_t kAnonymousFirstSeenCapacity = 1024;
inline constexpr const char* kAnonymousKid = "anonymous";

enum class AuthStatus { kOk, kMissingKey, kInvalidKey };

struct AuthOutcome {
  AuthStatus status = AuthStatus::kInvalidKey;
  std::string kid;  // the matched kid, or "anonymous"; empty on failure
  bool ok() const { return status == AuthStatus::kOk; }
};

// Maps an API-key header value to its 64-lowercase-hex digest. Production
// uses ApiKeyHash (core/api_key_hash.h); tests inject counters.
using ApiKeyHashFn = std::function<std::string(std::string_view)>;

class Authenticator {
 public:
  // Auth is enabled iff `ring` is non-empty and `insecure_no_auth` is false.
  // `hash` defaults to ApiKeyHash.
  Authenticator(ApiKeyRing ring, bool insecure_no_auth, ApiKeyHashFn hash = {});
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  bool enabled() const { return enabled_; }
  bool insecure_no_auth() const { return insecure_no_auth_; }

  // Checks one request. `header_value` is the first X-API-Key value, or
  // nullptr when the header is absent (an empty value counts as present).
  // `path` and `client_host` only feed the log events.
  AuthOutcome Authenticate(const std::string* header_value, std::string_view path,
                           std::string_view client_host);

  const VerifiedKeyCache& cache() const { return cache_; }

 private:
  AuthOutcome Reject(AuthStatus status);
  AuthOutcome PassAnonymous(std::string_view path, std::string_view client_host);

  ApiKeyRing ring_;
  bool insecure_no_auth_;
  bool enabled_;
  ApiKeyHashFn hash_;
  VerifiedKeyCache cache_;
  std::mutex first_seen_mu_;
  BoundedLru<std::string, bool> first_seen_hosts_;
  log::Logger logger_;
};

}  // namespace recotem::serve
