// HttpRequest / HttpResponse: the plain values the router and handlers speak.
// They deliberately carry no Boost.Beast types, so everything above the
// socket layer (router, auth, handlers) compiles and unit-tests without
// pulling Beast into every translation unit; http_server.cc converts.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace recotem::serve {

struct HttpRequest {
  std::string method;  // upper-case token as received, e.g. "GET"
  std::string target;  // raw request-target, query string included
  // Header fields in arrival order; names lower-cased, values as received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_host;  // peer IP, or "unknown"

  // The first value of header `lower_name` (which must be lower-case), or
  // nullptr when absent. An empty value is present (returns "").
  const std::string* FindHeader(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) {
        return &value;
      }
    }
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields (Content-Type and Content-Length are set by the server).
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace recotem::serve
