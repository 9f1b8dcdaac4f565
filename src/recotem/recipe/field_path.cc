#include "recotem/recipe/field_path.h"

namespace recotem {

std::string JsonPointerChild(const std::string& parent, std::string_view key) {
  std::string out = parent + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PointerToFieldPath(const std::string& pointer) {
  if (pointer.empty()) return "<top level>";
  std::string out;
  bool first = true;
  for (size_t i = 1; i <= pointer.size();) {
    size_t next = pointer.find('/', i);
    if (next == std::string::npos) next = pointer.size();
    if (!first) out.push_back('.');
    first = false;
    for (size_t k = i; k < next; ++k) {
      if (pointer[k] == '~' && k + 1 < next) {
        out.push_back(pointer[k + 1] == '1' ? '/' : '~');
        ++k;
      } else {
        out.push_back(pointer[k]);
      }
    }
    i = next + 1;
  }
  return out;
}

}  // namespace recotem
