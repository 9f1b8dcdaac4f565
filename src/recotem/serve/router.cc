#include "recotem/serve/router.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "recotem/core/events.h"
#include "recotem/core/strings.h"
#include "recotem/serve/exception_name.h"
#include "recotem/serve/json_response.h"
#include "recotem/serve/request_id.h"

namespace recotem::serve {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool MatchSegment(std::string_view pattern, std::string_view segment,
                  std::vector<std::string>* params) {
  if (!pattern.starts_with('{')) {
    return pattern == segment;
  }
  size_t close = pattern.find('}');
  std::string_view suffix = pattern.substr(close + 1);  // "" or ":verb"
  if (segment.size() <= suffix.size() || !segment.ends_with(suffix)) {
    return false;
  }
  params->emplace_back(segment.substr(0, segment.size() - suffix.size()));
  return true;
}

bool IsV1Path(std::string_view path) { return path == "/v1" || path.starts_with("/v1/"); }

bool HasHeader(const HttpResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

}  // namespace

Router::Router(Authenticator& auth, TrustedHosts trusted_hosts, CorsPolicy cors)
    : auth_(auth),
      trusted_hosts_(std::move(trusted_hosts)),
      cors_(std::move(cors)),
      logger_("recotem.serving.app") {}

void Router::Add(Route route) {
  std::vector<std::string> segments = Split(std::string_view(route.pattern).substr(1), '/');
  routes_.push_back({std::move(route), std::move(segments)});
}

std::string Router::DecodePath(std::string_view target) {
  std::string_view raw = target.substr(0, target.find('?'));
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 &&
        HexValue(raw[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2])));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

bool Router::Match(std::string_view pattern, std::string_view path,
                   std::vector<std::string>* params) {
  params->clear();
  if (!path.starts_with('/') || !pattern.starts_with('/')) {
    return false;
  }
  return MatchSegments(Split(pattern.substr(1), '/'), Split(path.substr(1), '/'), params);
}

bool Router::MatchSegments(const std::vector<std::string>& pattern,
                           const std::vector<std::string>& path, std::vector<std::string>* params) {
  params->clear();
  if (pattern.size() != path.size()) {
    return false;
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!MatchSegment(pattern[i], path[i], params)) {
      return false;
    }
  }
  return true;
}

HttpResponse Router::Handle(const HttpRequest& request) const {
  return std::move(HandleBatch(std::span<const HttpRequest>(&request, 1)).front());
}

std::vector<HttpResponse> Router::HandleBatch(std::span<const HttpRequest> requests) const {
  std::vector<HttpResponse> responses(requests.size());
  std::vector<std::string> paths(requests.size()), request_ids(requests.size());
  std::vector<bool> preflight(requests.size(), false);
  // Requests for batch routes, grouped by route in order of first arrival.
  struct Group {
    const Route* route;
    std::vector<size_t> indices;
    std::vector<RouteContext> contexts;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < requests.size(); ++i) {
    const HttpRequest& request = requests[i];
    if (std::optional<HttpResponse> answer = cors_.Preflight(request)) {
      responses[i] = std::move(*answer);
      preflight[i] = true;
      continue;
    }
    paths[i] = DecodePath(request.target);
    if (IsV1Path(paths[i])) {
      request_ids[i] = ResolveRequestId(request.FindHeader(kRequestIdHeader), kV1RequestIdRules);
    }
    Resolved resolved = Resolve(request, paths[i], request_ids[i]);
    if (resolved.route == nullptr) {
      responses[i] = std::move(resolved.response);
    } else if (resolved.route->batch_handler) {
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const Group& g) { return g.route == resolved.route; });
      if (group == groups.end()) {
        groups.push_back(Group{resolved.route, {}, {}});
        group = std::prev(groups.end());
      }
      group->indices.push_back(i);
      group->contexts.push_back(std::move(*resolved.context));
    } else {
      try {
        responses[i] = resolved.route->handler(*resolved.context);
      } catch (const std::exception& e) {
        responses[i] = InternalError(*resolved.route, paths[i], request_ids[i], e);
      }
    }
  }
  for (Group& group : groups) {
    std::vector<HttpResponse> answers;
    try {
      answers = group.route->batch_handler(group.contexts);
      if (answers.size() != group.indices.size()) {
        throw std::logic_error("batch handler answered the wrong number of requests");
      }
    } catch (const std::exception& e) {
      answers.clear();
      for (size_t i : group.indices) {
        answers.push_back(InternalError(*group.route, paths[i], request_ids[i], e));
      }
    }
    for (size_t g = 0; g < group.indices.size(); ++g) {
      responses[group.indices[g]] = std::move(answers[g]);
    }
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (preflight[i]) {
      continue;
    }
    if (!request_ids[i].empty() && !HasHeader(responses[i], kRequestIdResponseHeader)) {
      responses[i].headers.emplace_back(kRequestIdResponseHeader, request_ids[i]);
    }
    cors_.Decorate(requests[i], responses[i]);
  }
  return responses;
}

Router::Resolved Router::Resolve(const HttpRequest& request, const std::string& path,
                                 const std::string& request_id) const {
  Resolved out;
  if (!trusted_hosts_.Allows(request.FindHeader("host"))) {
    out.response.status = 400;
    out.response.content_type = "text/plain; charset=utf-8";
    out.response.body = kInvalidHostBody;
    return out;
  }
  std::vector<std::string> path_segments;
  if (path.starts_with('/')) {
    path_segments = Split(std::string_view(path).substr(1), '/');
  }
  std::string_view method = request.method == "HEAD" ? "GET" : std::string_view(request.method);
  const Route* matched = nullptr;
  std::vector<std::string> params;
  std::vector<std::string> allowed;
  for (const CompiledRoute& compiled : routes_) {
    const Route& route = compiled.route;
    std::vector<std::string> candidate;
    if (!MatchSegments(compiled.segments, path_segments, &candidate)) {
      continue;
    }
    if (route.method == method) {
      matched = &route;
      params = std::move(candidate);
      break;
    }
    allowed.push_back(route.method);
    if (route.method == "GET") {
      allowed.push_back("HEAD");
    }
  }
  if (matched == nullptr) {
    if (allowed.empty()) {
      out.response = DetailResponse(404, kNotFoundDetail);
      return out;
    }
    out.response = DetailResponse(405, kMethodNotAllowedDetail);
    std::string allow;
    for (const std::string& m : allowed) {
      allow += (allow.empty() ? "" : ", ") + m;
    }
    out.response.headers.emplace_back("Allow", allow);
    return out;
  }
  RouteContext context{request, path, std::move(params), "", request_id};
  if (matched->requires_auth) {
    AuthOutcome outcome =
        auth_.Authenticate(request.FindHeader(kApiKeyHeader), path, request.client_host);
    if (!outcome.ok()) {
      out.response = Unauthorized(outcome.status, matched->error_style);
      return out;
    }
    context.kid = std::move(outcome.kid);
  } else {
    context.kid = kAnonymousKid;
  }
  out.route = matched;
  out.context.emplace(std::move(context));
  return out;
}

HttpResponse Router::InternalError(const Route& route, const std::string& path,
                                   const std::string& request_id, const std::exception& e) const {
  logger_.Error(events::kUnhandled500,
                {{"path", path}, {"request_id", request_id}, {"exc_type", ExceptionClassName(e)}});
  if (route.error_style == ErrorStyle::kV1) {
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    body["detail"] = kInternalErrorDetail;
    body["code"] = "INTERNAL_ERROR";
    body["request_id"] = request_id;
    return JsonResponse(500, body);
  }
  return InternalErrorResponse();
}

HttpResponse Router::Unauthorized(AuthStatus status, ErrorStyle style) const {
  bool missing = status == AuthStatus::kMissingKey;
  const char* detail = missing ? kMissingApiKeyDetail : kInvalidApiKeyDetail;
  if (style == ErrorStyle::kV1) {
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    body["detail"] = detail;
    body["code"] = missing ? "MISSING_API_KEY" : "INVALID_API_KEY";
    return JsonResponse(401, body);
  }
  return NestedErrorResponse(401, detail, missing ? kCodeMissingApiKey : kCodeInvalidApiKey);
}

}  // namespace recotem::serve
