// The trusted-host check of serving.md §2.1 (RECOTEM_ALLOWED_HOSTS): the
// request's Host header, without its port, must match an entry. `*` matches
// any host, `*.example.com` any subdomain of example.com (not example.com
// itself), anything else matches exactly. Comparison is case-insensitive
// (host names are); a bracketed IPv6 literal is compared without brackets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace recotem::serve {

inline constexpr const char* kInvalidHostBody = "Invalid host header";

class TrustedHosts {
 public:
  explicit TrustedHosts(std::vector<std::string> patterns);

  // True when `host_header` (nullptr = absent, treated as "") is allowed.
  bool Allows(const std::string* host_header) const;

  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;  // as configured
  std::vector<std::string> lowered_;
  bool allow_any_ = false;
};

// The host part of a Host header value: "[::1]:8080" → "::1",
// "Example.com:80" → "Example.com", "localhost" → "localhost".
std::string_view HostWithoutPort(std::string_view host_header);

}  // namespace recotem::serve
