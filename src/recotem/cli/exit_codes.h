// The one place that maps errors to process exit codes (serving.md §14,
// training.md §14.1), with the spec's precedence.
#pragma once

#include <exception>
#include <string>

#include "recotem/core/errors.h"

namespace recotem::cli {

// 1. signing_key_missing → 8; 2. RecipeError → 2; 3. HTTP fetch anywhere in
// the cause → 7; 4. DataSource → 3; 5. Config → 8; 6. Artifact → 5;
// 7. LockContested → 6; 8. Training → 4; anything else → 1.
int ExitCodeFor(const std::exception& error);

// The `code` field of train_error: the error's subcode, else internal_error.
std::string ErrorCodeFor(const std::exception& error);

}  // namespace recotem::cli
