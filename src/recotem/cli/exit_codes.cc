#include "recotem/cli/exit_codes.h"

namespace recotem::cli {

int ExitCodeFor(const std::exception& error) {
  const auto* re = dynamic_cast<const RecotemError*>(&error);
  if (re == nullptr) return static_cast<int>(ExitCode::kUnknown);
  if (re->code() == kCodeSigningKeyMissing) return static_cast<int>(ExitCode::kConfig);
  if (dynamic_cast<const RecipeError*>(re) != nullptr) return static_cast<int>(ExitCode::kRecipe);
  if (re->caused_by_http_fetch() || dynamic_cast<const HttpFetchError*>(re) != nullptr) {
    return static_cast<int>(ExitCode::kHttpFetch);
  }
  return static_cast<int>(re->exit_code());
}

std::string ErrorCodeFor(const std::exception& error) {
  const auto* re = dynamic_cast<const RecotemError*>(&error);
  if (re == nullptr || re->code().empty()) return kCodeInternalError;
  return re->code();
}

}  // namespace recotem::cli
