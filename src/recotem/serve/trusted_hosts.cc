#include "recotem/serve/trusted_hosts.h"

#include "recotem/core/strings.h"

namespace recotem::serve {

std::string_view HostWithoutPort(std::string_view host_header) {
  std::string_view host = Trim(host_header);
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(1, close - 1);
  }
  return host.substr(0, host.find(':'));
}

TrustedHosts::TrustedHosts(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {
  for (const std::string& p : patterns_) {
    if (p == "*") {
      allow_any_ = true;
    }
    lowered_.push_back(ToLower(p));
  }
}

bool TrustedHosts::Allows(const std::string* host_header) const {
  if (allow_any_) {
    return true;
  }
  std::string host = ToLower(HostWithoutPort(host_header == nullptr ? "" : *host_header));
  for (const std::string& pattern : lowered_) {
    if (pattern.size() > 1 && pattern[0] == '*') {
      std::string_view suffix = std::string_view(pattern).substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.ends_with(suffix)) {
        return true;
      }
    } else if (host == pattern) {
      return true;
    }
  }
  return false;
}

}  // namespace recotem::serve
