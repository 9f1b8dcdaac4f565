// The error hierarchy every layer throws. One class per exit code of the
// spec (serving.md §14); each carries a machine subcode (the `code` field of
// `train_error`) and structured fields for the log. Only cli/ turns these into
// process exit codes (see cli/exit_codes.h).
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace recotem {

// Process exit codes (seeds 003, serving.md §14).
enum class ExitCode : int {
  kOk = 0,
  kUnknown = 1,
  kRecipe = 2,
  kDataSource = 3,
  kTraining = 4,
  kArtifact = 5,
  kLockContested = 6,
  kHttpFetch = 7,
  kConfig = 8,
};

// Base class. `code` is the machine subcode (e.g. "min_data_violation");
// `fields` are extra structured values merged into the failure event.
class RecotemError : public std::runtime_error {
 public:
  RecotemError(std::string message, std::string code, nlohmann::ordered_json fields = {});

  const std::string& code() const { return code_; }
  const nlohmann::ordered_json& fields() const { return fields_; }
  // The exit code of the error's class, before the precedence rules of
  // cli/exit_codes.h (which e.g. send `signing_key_missing` to 8).
  virtual ExitCode exit_code() const = 0;
  // True when an HttpFetchError caused this error (exit 7 wins over 3).
  bool caused_by_http_fetch() const { return caused_by_http_fetch_; }
  void set_caused_by_http_fetch(bool v) { caused_by_http_fetch_ = v; }

 private:
  std::string code_;
  nlohmann::ordered_json fields_;
  bool caused_by_http_fetch_ = false;
};

// NOLINTBEGIN(bugprone-macro-parentheses): `Name` is a class name.
#define RECOTEM_DECLARE_ERROR(Name, Exit, DefaultCode)                            \
  class Name : public RecotemError {                                              \
   public:                                                                        \
    explicit Name(std::string message, std::string code = (DefaultCode),          \
                  nlohmann::ordered_json fields = {})                             \
        : RecotemError(std::move(message), std::move(code), std::move(fields)) {} \
    ExitCode exit_code() const override { return Exit; }                          \
  }
// NOLINTEND(bugprone-macro-parentheses)

// Recipe YAML, schema, env expansion, path rules, bad CLI usage: exit 2.
RECOTEM_DECLARE_ERROR(RecipeError, ExitCode::kRecipe, "recipe_error");
// Reading or parsing source data (not the HTTP fetch itself): exit 3.
RECOTEM_DECLARE_ERROR(DataSourceError, ExitCode::kDataSource, "datasource_error");
// Training preconditions and search failures: exit 4.
RECOTEM_DECLARE_ERROR(TrainingError, ExitCode::kTraining, "training_error");
// Artifact structure, HMAC, caps, payload decode, key-ring grammar: exit 5.
RECOTEM_DECLARE_ERROR(ArtifactError, ExitCode::kArtifact, "internal_error");
// The per-recipe training lock is held elsewhere: exit 6.
RECOTEM_DECLARE_ERROR(LockContestedError, ExitCode::kLockContested, "lock_contested");
// SSRF guard, timeouts, HTTP status, sha256 pin, byte caps: exit 7.
RECOTEM_DECLARE_ERROR(HttpFetchError, ExitCode::kHttpFetch, "datasource_error");
// Environment / configuration that prevents running: exit 8.
RECOTEM_DECLARE_ERROR(ConfigError, ExitCode::kConfig, "config_error");

#undef RECOTEM_DECLARE_ERROR

// Subcodes used in more than one layer.
inline constexpr const char* kCodeSigningKeyMissing = "signing_key_missing";
inline constexpr const char* kCodeInternalError = "internal_error";

}  // namespace recotem
