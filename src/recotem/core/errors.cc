#include "recotem/core/errors.h"

namespace recotem {

RecotemError::RecotemError(std::string message, std::string code, nlohmann::ordered_json fields)
    : std::runtime_error(std::move(message)), code_(std::move(code)), fields_(std::move(fields)) {
  if (fields_.is_null()) fields_ = nlohmann::ordered_json::object();
}

}  // namespace recotem
