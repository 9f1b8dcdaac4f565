// Router: the HTTP application above the socket layer — trusted-host check,
// route matching with path parameters, 404/405, per-route authentication and
// a last-resort 500. Handlers see a RouteContext and return an HttpResponse.
//
// Order for every request (serving.md §2.1, auth.md §3): CORS preflight
// (when origins are configured) → trusted host (400
// `Invalid host header`, plain text) → route match on the percent-decoded
// path (404 `{"detail":"Not Found"}`, or 405 `{"detail":"Method Not
// Allowed"}` with an Allow header when only the method is wrong; HEAD is
// served by GET routes) → X-API-Key for routes that require it (401, before
// any body or parameter validation) → handler. A handler that throws gives
// the flat 500 body and an `unhandled_500` event. Responses to allowed
// origins carry the CORS headers.
//
// Paths under /v1 follow the newest request-id rule (§2.3): an id is
// resolved before anything else (128 chars, 12-hex fallback), handed to the
// handler and sent as X-Request-ID on every response, 400/401/404/405/500
// included; their 500 body also carries `request_id`.
//
// Patterns are '/'-separated; a segment `{name}` captures one non-empty
// segment, and `{name}:verb` one that ends in ":verb" (the /v1 style).
//
// Thread-safety: Handle() may be called concurrently once all routes are added.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recotem/core/log.h"
#include "recotem/serve/authenticator.h"
#include "recotem/serve/cors.h"
#include "recotem/serve/http_message.h"
#include "recotem/serve/trusted_hosts.h"

namespace recotem::serve {

// Which API generation's error bodies a route uses (serving.md §2.2).
enum class ErrorStyle { kSeed, kV1 };

struct RouteContext {
  const HttpRequest& request;
  std::string path;                 // percent-decoded, without the query
  std::vector<std::string> params;  // captured path parameters, in order
  std::string kid;                  // the caller's API kid, or "anonymous"
  std::string request_id;           // resolved for /v1 paths; "" elsewhere
};

using RouteHandler = std::function<HttpResponse(const RouteContext&)>;
// Answers several requests of one route at once (one response per context,
// in order); see Router::HandleBatch.
using BatchRouteHandler = std::function<std::vector<HttpResponse>(std::span<const RouteContext>)>;

struct Route {
  std::string method;   // "GET", "POST", …
  std::string pattern;  // e.g. "/predict/{name}"
  bool requires_auth = false;
  ErrorStyle error_style = ErrorStyle::kSeed;
  RouteHandler handler;  // or, for routes that share work between requests:
  BatchRouteHandler batch_handler = nullptr;
};

class Router {
 public:
  // `auth` must outlive the router.
  Router(Authenticator& auth, TrustedHosts trusted_hosts, CorsPolicy cors = CorsPolicy({}));

  void Add(Route route);
  HttpResponse Handle(const HttpRequest& request) const;
  // Handle() for each request, in order, except that the requests of a route
  // with a batch_handler that get as far as their handler (host, match and
  // auth passed) are answered by one batch_handler call. A throwing handler
  // answers each of its requests with the route's 500.
  std::vector<HttpResponse> HandleBatch(std::span<const HttpRequest> requests) const;

  // The path of `target` (before '?'), percent-decoded.
  static std::string DecodePath(std::string_view target);
  // Matches `path` against `pattern`; on success fills `params`.
  static bool Match(std::string_view pattern, std::string_view path,
                    std::vector<std::string>* params);

 private:
  struct CompiledRoute {
    Route route;
    std::vector<std::string> segments;  // the pattern split on '/', once
  };
  static bool MatchSegments(const std::vector<std::string>& pattern,
                            const std::vector<std::string>& path, std::vector<std::string>* params);
  HttpResponse Unauthorized(AuthStatus status, ErrorStyle style) const;
  // The matched route and its context, or the response that ends the
  // request before any handler (400 host, 404, 405, 401).
  struct Resolved {
    const Route* route = nullptr;
    std::optional<RouteContext> context;
    HttpResponse response;
  };
  Resolved Resolve(const HttpRequest& request, const std::string& path,
                   const std::string& request_id) const;
  HttpResponse InternalError(const Route& route, const std::string& path,
                             const std::string& request_id, const std::exception& e) const;

  Authenticator& auth_;
  TrustedHosts trusted_hosts_;
  CorsPolicy cors_;
  std::vector<CompiledRoute> routes_;
  log::Logger logger_;
};

}  // namespace recotem::serve
