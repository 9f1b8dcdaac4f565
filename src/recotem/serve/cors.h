// CORS for `recotem serve` (serving.md §2.1), enabled only when
// RECOTEM_ALLOWED_ORIGINS is non-empty: an exact origin list, no
// credentials, methods GET/POST/OPTIONS, every request header allowed, and
// the /v1 response headers exposed. It runs outermost, before the
// trusted-host check, as the seeds' middleware order says.
//
// Thread-safety: immutable after construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "recotem/serve/http_message.h"

namespace recotem::serve {

inline constexpr const char* kCorsAllowMethods = "GET, POST, OPTIONS";
inline constexpr const char* kCorsExposeHeaders =
    "X-Request-ID, X-Recotem-Model-Version, X-Recotem-Items-Degraded";
inline constexpr const char* kCorsMaxAgeSeconds = "600";
inline constexpr const char* kCorsDisallowedOriginBody = "Disallowed CORS origin";

class CorsPolicy {
 public:
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool enabled() const { return !origins_.empty(); }
  // The response to a preflight (OPTIONS with Origin and
  // Access-Control-Request-Method) when CORS is enabled: 200 with the CORS
  // headers for an allowed origin, 400 without Access-Control-Allow-Origin
  // otherwise. nullopt when `request` is not a preflight or CORS is off.
  std::optional<HttpResponse> Preflight(const HttpRequest& request) const;
  // Adds Access-Control-Allow-Origin, Expose-Headers and Vary to `response`
  // when the request's Origin is allowed.
  void Decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  bool Allows(const std::string* origin) const;

  std::vector<std::string> origins_;
};

}  // namespace recotem::serve
