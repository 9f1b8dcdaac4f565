// `recotem inspect <path-or-URI> [--dev-allow-unsigned]` (artifact.md §12):
// reads an artifact through the verification order of §6.2 up to the HMAC,
// then prints "HMAC: OK  (kid='<kid>')" and the header JSON. The payload is
// never decoded, so it is safe on suspect files. Local paths and file:// URIs
// only for now; other schemes report "not supported yet" (exit 5).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/artifact_reader.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/cli/commands.h"
#include "recotem/cli/exit_codes.h"
#include "recotem/core/env.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"
#include "recotem/core/files.h"
#include "recotem/core/log.h"
#include "recotem/core/redaction.h"
#include "recotem/core/strings.h"

namespace recotem::cli {
namespace {

constexpr const char* kDevAllowUnsignedFlag = "--dev-allow-unsigned";
constexpr std::string_view kFileScheme = "file";
// The header is printed with this indentation (json.dumps(indent=2)).
constexpr int kHeaderIndent = 2;

struct InspectOptions {
  std::string target;
  bool dev_allow_unsigned = false;
};

bool IsSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
}

// The length of a URI scheme `^[a-z][a-z0-9+.-]+` followed by ':', or 0.
size_t SchemeLength(std::string_view text) {
  if (text.empty() || text[0] < 'a' || text[0] > 'z') {
    return 0;
  }
  size_t i = 1;
  while (i < text.size() && IsSchemeChar(text[i])) {
    ++i;
  }
  if (i < 2 || i >= text.size() || text[i] != ':') {
    return 0;
  }
  return i;
}

// Repairs a URI whose double slash was collapsed (`s3:/bucket/key` →
// `s3://bucket/key`), the pattern ^[a-z][a-z0-9+.-]+:/[^/] of §12.
std::string RepairCollapsedUri(std::string_view text) {
  size_t n = SchemeLength(text);
  if (n > 0 && text.size() > n + 2 && text[n + 1] == '/' && text[n + 2] != '/') {
    return std::string(text.substr(0, n + 1)) + "/" + std::string(text.substr(n + 1));
  }
  return std::string(text);
}

// The local path named by `target`: a plain path, `file:///abs`,
// `file:/abs` (RFC 8089) or `file://localhost/abs`. Any other URI scheme is
// an ArtifactError until the object-store readers exist.
std::string LocalPathFor(const std::string& target) {
  size_t n = SchemeLength(target);
  if (n == 0) {
    return target;
  }
  std::string_view scheme(target.data(), n);
  std::string_view rest = std::string_view(target).substr(n + 1);
  if (scheme == kFileScheme) {
    if (rest.starts_with("//localhost/")) {
      return std::string(rest.substr(11));
    }
    if (rest.starts_with("//")) {
      return std::string(rest.substr(2));
    }
    return std::string(rest);
  }
  std::string uri = RepairCollapsedUri(target);
  throw ArtifactError("Cannot open artifact '" + uri + "': the '" + std::string(scheme) +
                      "' scheme is not supported yet; only local paths and file:// URIs can be "
                      "inspected by this build");
}

// Step 5 of §12 when no keys are configured and the dev key is not allowed:
// the ConfigError (exit 8) naming the file's kid.
ConfigError NoKeysError(std::string_view sanitized_kid) {
  return ConfigError("Cannot verify artifact (kid='" + std::string(sanitized_kid) +
                         "'): RECOTEM_SIGNING_KEYS is not set and --dev-allow-unsigned was not "
                         "passed.\n"
                         "  - Set RECOTEM_SIGNING_KEYS=<kid>:<hex64> to verify the HMAC, or\n"
                         "  - Pass --dev-allow-unsigned with RECOTEM_ENV=development to skip "
                         "verification in a development environment.",
                     kCodeSigningKeyMissing);
}

// Runs §12 steps 1–8; returns what to print on stdout. Every failure is a
// RecotemError whose message is the exact stderr text.
std::string Inspect(const InspectOptions& options) {
  if (options.dev_allow_unsigned && !env::IsDevelopmentEnv()) {
    throw ConfigError(std::string(kDevAllowUnsignedFlag) +
                      " requires RECOTEM_ENV=development. Current RECOTEM_ENV='" +
                      env::GetOr("RECOTEM_ENV") + "'.");
  }
  ArtifactCaps caps;
  try {
    caps = ArtifactCaps::FromEnvironment();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("Configuration error: ") + e.what());
  }
  std::string path = LocalPathFor(options.target);
  std::vector<uint8_t> first_read;
  try {
    first_read = ReadFileCapped(path, caps.artifact_bytes);
  } catch (const std::system_error& e) {
    throw ArtifactError("Cannot read artifact '" + options.target + "': " + e.code().message());
  }

  ResolvedArtifact resolved;
  ParsedContainer container;
  try {
    resolved = ResolveArtifactBytes(std::move(first_read), path, caps, ReaderStyle::kInspect);
    container = ParseContainer(resolved.bytes, caps.payload_bytes);
  } catch (const ArtifactError& e) {
    throw ArtifactError(std::string("Artifact parse failed: ") + e.what());
  }

  // Keys are chosen only now, so a corrupt file is reported as such (exit 5)
  // even when no keys are configured.
  std::optional<std::string> configured = env::Get(kSigningKeysEnv);
  bool keys_set = configured && !Trim(*configured).empty();
  if (!keys_set && !options.dev_allow_unsigned) {
    throw NoKeysError(log::SanitizeKid(container.kid));
  }
  if (keys_set && options.dev_allow_unsigned) {
    log::Logger("recotem.cli.inspect")
        .Warning(events::kDevAllowUnsignedIgnored, {{"reason", "signing_keys_set"}});
  }
  try {
    KeyRing ring = keys_set ? KeyRing::Parse(*configured) : KeyRing::DevKey();
    VerifyContainer(container, ring);
  } catch (const ArtifactError& e) {
    throw ArtifactError(std::string("HMAC verification failed: ") + e.what());
  }

  std::string detail;
  std::optional<nlohmann::ordered_json> header = DecodeHeaderJson(container.header_json, &detail);
  if (!header) {
    throw ArtifactError("Header JSON parse failed: " + detail);
  }
  return "HMAC: OK  (kid='" + container.kid + "')\n" +
         header->dump(kHeaderIndent, ' ', /*ensure_ascii=*/true) + "\n";
}

void AddInspectCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* sub = app.add_subcommand(
      "inspect",
      "Verify an artifact's HMAC and print its header JSON (the payload is never decoded).");
  sub->add_option("artifact", options->target,
                  "Artifact path, pointer file, or file:// URI (object stores and https: not "
                  "supported yet)")
      ->required();
  sub->add_flag(kDevAllowUnsignedFlag, options->dev_allow_unsigned,
                "Verify against the public dev key (kid 'dev', 32 zero bytes) when "
                "RECOTEM_SIGNING_KEYS is unset. Requires RECOTEM_ENV=development; ignored (with "
                "a warning) when RECOTEM_SIGNING_KEYS is set.");
  sub->footer(
      "Environment:\n"
      "  RECOTEM_SIGNING_KEYS        <kid>:<hex64>[,...] keys to verify the HMAC with\n"
      "  RECOTEM_MAX_ARTIFACT_BYTES  read cap (default 2 GiB, clamped to [1 MiB, 16 GiB])\n"
      "  RECOTEM_MAX_PAYLOAD_BYTES   payload cap (default 512 MiB, <= the read cap)\n"
      "Output: 'HMAC: OK  (kid='<kid>')' then the header JSON, on stdout.\n"
      "Exit codes: 0 verified; 5 unreadable, corrupt, tampered or unknown-kid artifact, or\n"
      "malformed RECOTEM_SIGNING_KEYS; 8 no keys configured, --dev-allow-unsigned outside\n"
      "development, or invalid caps.");
  sub->callback([options, &exit_code] {
    try {
      std::cout << Inspect(*options) << std::flush;
      exit_code = static_cast<int>(ExitCode::kOk);
    } catch (const std::exception& e) {
      std::cerr << e.what() << std::endl;
      exit_code = ExitCodeFor(e);
    }
  });
}

}  // namespace

RECOTEM_REGISTER_COMMAND(30, AddInspectCommand);

}  // namespace recotem::cli
