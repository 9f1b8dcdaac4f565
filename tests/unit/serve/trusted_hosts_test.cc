#include "recotem/serve/trusted_hosts.h"

#include <gtest/gtest.h>

namespace recotem::serve {
namespace {

bool Allows(const TrustedHosts& hosts, const std::string& header) { return hosts.Allows(&header); }

TEST(TrustedHosts, DefaultListAllowsLoopbackNamesWithAnyPort) {
  TrustedHosts hosts({"127.0.0.1", "localhost"});
  EXPECT_TRUE(Allows(hosts, "127.0.0.1:8080"));
  EXPECT_TRUE(Allows(hosts, "localhost"));
  EXPECT_TRUE(Allows(hosts, "LocalHost:1"));
  EXPECT_FALSE(Allows(hosts, "evil.example.com"));
  EXPECT_FALSE(Allows(hosts, "127.0.0.2:8080"));
  EXPECT_FALSE(hosts.Allows(nullptr));
}

TEST(TrustedHosts, WildcardSubdomainsMatchSubdomainsOnly) {
  TrustedHosts hosts({"*.example.com"});
  EXPECT_TRUE(Allows(hosts, "api.example.com"));
  EXPECT_TRUE(Allows(hosts, "a.b.example.com:443"));
  EXPECT_FALSE(Allows(hosts, "example.com"));
  EXPECT_FALSE(Allows(hosts, "badexample.com"));
}

TEST(TrustedHosts, StarAllowsAnything) {
  TrustedHosts hosts({"localhost", "*"});
  EXPECT_TRUE(Allows(hosts, "whatever.invalid"));
  EXPECT_TRUE(hosts.Allows(nullptr));
}

TEST(TrustedHosts, Ipv6LiteralsAreComparedWithoutBracketsAndPort) {
  EXPECT_EQ(HostWithoutPort("[::1]:8080"), "::1");
  EXPECT_EQ(HostWithoutPort("example.com:80"), "example.com");
  TrustedHosts hosts({"::1"});
  EXPECT_TRUE(Allows(hosts, "[::1]:8080"));
}

}  // namespace
}  // namespace recotem::serve
