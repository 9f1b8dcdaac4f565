#include "recotem/serve/json_response.h"

#include <array>
#include <cmath>

namespace recotem::serve {

std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void AppendJsonString(std::string& out, std::string_view value) {
  // nlohmann escapes '"', '\\' and bytes below 0x20, and validates (and may
  // replace) anything from 0x80 on; every other byte is written as it is.
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') {
      out += DumpJson(nlohmann::ordered_json(value));
      return;
    }
  }
  out += '"';
  out += value;
  out += '"';
}

void AppendJsonDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {  // as nlohmann's serializer
    out += "null";
    return;
  }
  std::array<char, 64> buffer{};  // the serializer's number buffer
  char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), end);
}

void AppendJson(std::string& out, const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    AppendJsonString(out, value.get_ref<const std::string&>());
  } else if (value.is_number_float()) {
    AppendJsonDouble(out, value.get<double>());
  } else {
    out += DumpJson(value);
  }
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
