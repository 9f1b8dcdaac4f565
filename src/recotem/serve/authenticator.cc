#include "recotem/serve/authenticator.h"

#include "recotem/core/api_key_hash.h"
#include "recotem/core/events.h"

namespace recotem::serve {
namespace {

// The fixed input of the dummy hash on every rejection path (auth.md §4):
// as long as the longest accepted key, so the branches cost the same.
const std::string& DummyKeyInput() {
  static const std::string* input = new std::string(kMaxApiKeyHeaderBytes, '\0');
  return *input;
}

}  // namespace

Authenticator::Authenticator(ApiKeyRing ring, bool insecure_no_auth, ApiKeyHashFn hash)
    : ring_(std::move(ring)),
      insecure_no_auth_(insecure_no_auth),
      enabled_(!ring_.empty() && !insecure_no_auth),
      hash_(hash ? std::move(hash)
                 : ApiKeyHashFn([](std::string_view key) { return ApiKeyHash(key); })),
      first_seen_hosts_(kAnonymousFirstSeenCapacity),
      logger_("recotem.serving.auth") {}

AuthOutcome Authenticator::Authenticate(const std::string* header_value, std::string_view path,
                                        std::string_view client_host) {
  if (!enabled_) {
    return PassAnonymous(path, client_host);
  }
  if (header_value == nullptr) {
    logger_.Warning(events::kAuthMissingHeader, {{"path", path}});
    return Reject(AuthStatus::kMissingKey);
  }
  const std::string& key = *header_value;
  if (key.size() > kMaxApiKeyHeaderBytes) {
    logger_.Warning(events::kAuthOversizedHeader,
                    {{"path", path}, {"length", key.size()}, {"cap", kMaxApiKeyHeaderBytes}});
    return Reject(AuthStatus::kInvalidKey);
  }
  if (key.size() < kMinApiKeyBytes) {
    logger_.Warning(events::kAuthShortKeyRejected,
                    {{"path", path}, {"length", key.size()}, {"min_len", kMinApiKeyBytes}});
    return Reject(AuthStatus::kInvalidKey);
  }
  if (std::optional<size_t> cached = cache_.Lookup(key)) {
    return {AuthStatus::kOk, ring_.entries()[*cached].kid};
  }
  std::optional<size_t> matched = ring_.Match(hash_(key));
  if (!matched) {
    logger_.Warning(events::kAuthInvalidKey, {{"path", path}});
    return {AuthStatus::kInvalidKey, ""};
  }
  cache_.InsertVerified(key, *matched);
  return {AuthStatus::kOk, ring_.entries()[*matched].kid};
}

AuthOutcome Authenticator::Reject(AuthStatus status) {
  (void)hash_(DummyKeyInput());
  return {status, ""};
}

AuthOutcome Authenticator::PassAnonymous(std::string_view path, std::string_view client_host) {
  std::string host = client_host.empty() ? "unknown" : std::string(client_host);
  log::Fields fields = {{"client_host", host}, {"path", path}};
  logger_.Debug(events::kAuthAnonymousBypass, fields);
  bool first_seen;
  {
    std::lock_guard<std::mutex> lock(first_seen_mu_);
    first_seen = first_seen_hosts_.Put(host, true);
  }
  if (first_seen) {
    logger_.Info(events::kAuthAnonymousBypassFirstSeen, std::move(fields));
  }
  return {AuthStatus::kOk, kAnonymousKid};
}

}  // namespace recotem::serve
