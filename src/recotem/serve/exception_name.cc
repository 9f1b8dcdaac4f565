#include "recotem/serve/exception_name.h"

#include <cxxabi.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <typeinfo>

namespace recotem::serve {

std::string ExceptionClassName(const std::exception& error) {
  const char* mangled = typeid(error).name();
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(mangled);
}

std::string OsErrorClassName(int error_number) {
  switch (error_number) {
    case EACCES:
    case EPERM:
      return "PermissionError";
    case ENOENT:
      return "FileNotFoundError";
    case ENOTDIR:
      return "NotADirectoryError";
    case ETIMEDOUT:
      return "TimeoutError";
    default:
      return "OSError";
  }
}

}  // namespace recotem::serve
