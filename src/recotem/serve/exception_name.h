// The readable class name of an exception for the `exc_type` / `error_class`
// fields of serve events (e.g. "std::runtime_error", "recotem::ArtifactError").
#pragma once

#include <exception>
#include <string>

namespace recotem::serve {

std::string ExceptionClassName(const std::exception& error);

// The original's Python class name for an OS error number, used where the
// spec puts it in a message or label ("stat failed: PermissionError",
// "dir_iter_PermissionError"): PermissionError, FileNotFoundError,
// NotADirectoryError, TimeoutError, or OSError for anything else.
std::string OsErrorClassName(int error_number);

}  // namespace recotem::serve
