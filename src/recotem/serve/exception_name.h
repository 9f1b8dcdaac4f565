// The readable class name of an exception for the `exc_type` / `error_class`
// fields of serve events (e.g. "std::runtime_error", "recotem::ArtifactError").
#pragma once

#include <exception>
#include <string>

namespace recotem::serve {

std::string ExceptionClassName(const std::exception& error);

}  // namespace recotem::serve
