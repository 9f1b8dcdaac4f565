// `recotem keygen [--type signing|api] [--kid <name>]` (artifact.md §11):
// 32 bytes from the OS CSPRNG, printed as four key=value lines on stdout —
// a signing key for RECOTEM_SIGNING_KEYS, or an API key plus the scrypt hash
// that RECOTEM_API_KEYS stores (auth.md §1).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "recotem/artifact/key_ring.h"
#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/core/api_key_hash.h"
#include "recotem/core/errors.h"
#include "recotem/core/hashing.h"
#include "recotem/core/strings.h"

namespace recotem::cli {
namespace {

constexpr const char* kTypeSigning = "signing";
constexpr const char* kTypeApi = "api";
constexpr const char* kApiKeysEnv = "RECOTEM_API_KEYS";
constexpr size_t kSecretBytes = 32;
// The default kid: the first 8 characters of a random UUIDv4.
constexpr size_t kDefaultKidChars = 8;

struct KeygenOptions {
  std::string type = kTypeSigning;
  std::string kid;
};

std::string SigningKeyLines(const std::string& kid, const std::vector<uint8_t>& secret) {
  std::array<uint8_t, kSigningKeyBytes> key{};
  std::copy_n(secret.begin(), key.size(), key.begin());
  std::string hex = HexEncode(secret);
  return "kid=" + kid + "\n" + "plaintext=" + hex + "\n" +
         "fingerprint=" + KeyRing::Fingerprint(key) +
         "  # matches /security.posture log; NOT for config\n" + "env_entry=" + kSigningKeysEnv +
         "=" + kid + ":" + hex + "\n";
}

std::string ApiKeyLines(const std::string& kid, const std::vector<uint8_t>& secret) {
  std::string plaintext = Base64UrlNoPad(secret);
  std::string hash = std::string(kApiKeyHashLabel) + ":" + ApiKeyHash(plaintext);
  return "kid=" + kid + "\n" + "plaintext=" + plaintext + "\n" + "hash=" + hash + "\n" +
         "env_entry=" + kApiKeysEnv + "=" + kid + ":" + hash + "\n";
}

std::string Keygen(const KeygenOptions& options) {
  if (options.type != kTypeSigning && options.type != kTypeApi) {
    throw ConfigError("--type must be 'signing' or 'api', got '" + options.type + "'.");
  }
  std::string kid = options.kid.empty() ? RandomUuid4().substr(0, kDefaultKidChars) : options.kid;
  std::vector<uint8_t> secret = RandomBytes(kSecretBytes);
  return options.type == kTypeSigning ? SigningKeyLines(kid, secret) : ApiKeyLines(kid, secret);
}

void AddKeygenCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<KeygenOptions>();
  CLI::App* sub = app.add_subcommand(
      "keygen", "Generate a random HMAC signing key or API key (32 bytes from the OS CSPRNG).");
  sub->add_option("--type", options->type,
                  "signing: a key for RECOTEM_SIGNING_KEYS (artifact HMAC); api: a client key "
                  "for X-API-Key plus the hash for RECOTEM_API_KEYS")
      ->default_str(kTypeSigning);
  sub->add_option("--kid", options->kid,
                  "Key identifier to print in the env entry (default: 8 random hex characters)");
  sub->footer(
      "Prints four key=value lines on stdout:\n"
      "  signing: kid, plaintext (64 hex), fingerprint (8 hex, safe to log), env_entry\n"
      "  api:     kid, plaintext (43-char base64url, give it to the client), hash, env_entry\n"
      "Store the plaintext as a secret; the api hash is scrypt despite its 'sha256:' label.\n"
      "Exit codes: 0 printed; 8 --type is neither 'signing' nor 'api'.");
  sub->callback([options, &exit_code] {
    try {
      std::cout << Keygen(*options) << std::flush;
      exit_code = static_cast<int>(ExitCode::kOk);
    } catch (const std::exception& e) {
      std::cerr << e.what() << std::endl;
      exit_code = ExitCodeFor(e);
    }
  });
}

}  // namespace

RECOTEM_REGISTER_COMMAND(60, AddKeygenCommand);

}  // namespace recotem::cli
