#include "recotem/serve/json_response.h"

namespace recotem::serve {

std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

HttpResponse JsonResponse(int status, const nlohmann::ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.body = DumpJson(body);
  return response;
}

HttpResponse NestedErrorResponse(int status, std::string_view detail, std::string_view code) {
  nlohmann::ordered_json inner = nlohmann::ordered_json::object();
  inner["detail"] = detail;
  inner["code"] = code;
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["detail"] = std::move(inner);
  return JsonResponse(status, body);
}

HttpResponse DetailResponse(int status, std::string_view detail) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["detail"] = detail;
  return JsonResponse(status, body);
}

HttpResponse InternalErrorResponse() {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["detail"] = kInternalErrorDetail;
  body["code"] = kCodeInternalError;
  return JsonResponse(500, body);
}

}  // namespace recotem::serve
