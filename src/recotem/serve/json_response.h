// JSON responses and the seed-era error bodies (serving.md §2.2): compact
// UTF-8 (invalid byte sequences replaced, never emitted raw), the nested
// `{"detail": {"detail", "code"}}` shape of 401/404/503, the flat 500 body,
// and the framework's `{"detail": "Not Found"}` style bodies.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "recotem/serve/http_message.h"

namespace recotem::serve {

// Seed-era error codes and messages (serving.md §3.1, auth.md §7.1).
inline constexpr const char* kCodeMissingApiKey = "missing_api_key";
inline constexpr const char* kCodeInvalidApiKey = "invalid_api_key";
inline constexpr const char* kCodeUserNotFound = "user_not_found";
inline constexpr const char* kCodeRecipeUnavailable = "recipe_unavailable";
inline constexpr const char* kCodeInternalError = "internal_error";
inline constexpr const char* kMissingApiKeyDetail = "X-API-Key header required";
inline constexpr const char* kInvalidApiKeyDetail = "Invalid API key";
inline constexpr const char* kInternalErrorDetail = "internal error";
inline constexpr const char* kNotFoundDetail = "Not Found";
inline constexpr const char* kMethodNotAllowedDetail = "Method Not Allowed";

// Compact JSON text; invalid UTF-8 in strings is replaced by U+FFFD.
std::string DumpJson(const nlohmann::ordered_json& value);

// Append to `out` exactly what DumpJson writes for a string, a double and
// any value, without building a JSON tree first (the /predict body is
// written this way). Printable ASCII strings are copied directly; others go
// through DumpJson.
void AppendJsonString(std::string& out, std::string_view value);
void AppendJsonDouble(std::string& out, double value);
void AppendJson(std::string& out, const nlohmann::ordered_json& value);

HttpResponse JsonResponse(int status, const nlohmann::ordered_json& body);
// {"detail": {"detail": <detail>, "code": <code>}}
HttpResponse NestedErrorResponse(int status, std::string_view detail, std::string_view code);
// {"detail": <detail>}
HttpResponse DetailResponse(int status, std::string_view detail);
// {"detail": "internal error", "code": "internal_error"} with status 500.
HttpResponse InternalErrorResponse();

}  // namespace recotem::serve
