#include "recotem/serve/cors.h"

#include <algorithm>

namespace recotem::serve {

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : origins_(std::move(allowed_origins)) {}

bool CorsPolicy::Allows(const std::string* origin) const {
  return origin != nullptr &&
         std::find(origins_.begin(), origins_.end(), *origin) != origins_.end();
}

std::optional<HttpResponse> CorsPolicy::Preflight(const HttpRequest& request) const {
  const std::string* origin = request.FindHeader("origin");
  if (!enabled() || request.method != "OPTIONS" || origin == nullptr ||
      request.FindHeader("access-control-request-method") == nullptr) {
    return std::nullopt;
  }
  HttpResponse response;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Vary", "Origin");
  if (!Allows(origin)) {
    response.status = 400;
    response.body = kCorsDisallowedOriginBody;
    return response;
  }
  response.status = 200;
  response.body = "OK";
  response.headers.emplace_back("Access-Control-Allow-Origin", *origin);
  response.headers.emplace_back("Access-Control-Allow-Methods", kCorsAllowMethods);
  if (const std::string* headers = request.FindHeader("access-control-request-headers")) {
    response.headers.emplace_back("Access-Control-Allow-Headers", *headers);
  }
  response.headers.emplace_back("Access-Control-Max-Age", kCorsMaxAgeSeconds);
  return response;
}

void CorsPolicy::Decorate(const HttpRequest& request, HttpResponse& response) const {
  const std::string* origin = request.FindHeader("origin");
  if (!enabled() || !Allows(origin)) {
    return;
  }
  response.headers.emplace_back("Access-Control-Allow-Origin", *origin);
  response.headers.emplace_back("Access-Control-Expose-Headers", kCorsExposeHeaders);
  response.headers.emplace_back("Vary", "Origin");
}

}  // namespace recotem::serve
