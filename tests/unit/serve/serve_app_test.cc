#include "recotem/serve/serve_app.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "recotem/core/errors.h"

namespace recotem::serve {
namespace {

std::string ErrorOf(void (*check)(const ServeFlags&), const ServeFlags& flags) {
  try {
    check(flags);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

class UnsafeFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("RECOTEM_ENV"); }
};

TEST_F(UnsafeFlagsTest, DevAllowUnsignedNeedsItsCompanionFlag) {
  ServeFlags flags;
  flags.dev_allow_unsigned = true;
  EXPECT_EQ(ErrorOf(RequireDevAllowUnsignedCompanion, flags),
            "--dev-allow-unsigned requires --i-understand-this-loads-arbitrary-code to also be "
            "passed.");
  flags.i_understand_arbitrary_code = true;
  EXPECT_EQ(ErrorOf(RequireDevAllowUnsignedCompanion, flags), "");
}

TEST_F(UnsafeFlagsTest, InsecureNoAuthNeedsADevelopmentOrTestEnvironment) {
  ServeFlags flags;
  flags.insecure_no_auth = true;
  ::setenv("RECOTEM_ENV", "Production", 1);
  EXPECT_EQ(ErrorOf(ValidateUnsafeFlags, flags),
            "--insecure-no-auth is only permitted when RECOTEM_ENV is one of ['dev', "
            "'development', 'test']. Current RECOTEM_ENV='Production'.");
  for (const char* env : {"dev", " DEVELOPMENT ", "Test"}) {
    ::setenv("RECOTEM_ENV", env, 1);
    EXPECT_EQ(ErrorOf(ValidateUnsafeFlags, flags), "") << env;
  }
  ::unsetenv("RECOTEM_ENV");
  EXPECT_NE(ErrorOf(ValidateUnsafeFlags, flags), "");
}

TEST_F(UnsafeFlagsTest, DevAllowUnsignedNeedsExactlyDevelopment) {
  ServeFlags flags;
  flags.dev_allow_unsigned = true;
  flags.i_understand_arbitrary_code = true;
  for (const char* env : {"dev", "test", "", "staging"}) {
    ::setenv("RECOTEM_ENV", env, 1);
    EXPECT_EQ(ErrorOf(ValidateUnsafeFlags, flags),
              std::string("--dev-allow-unsigned requires RECOTEM_ENV=development. Current "
                          "RECOTEM_ENV='") +
                  env + "'.");
  }
  ::setenv("RECOTEM_ENV", "development", 1);
  EXPECT_EQ(ErrorOf(ValidateUnsafeFlags, flags), "");
}

}  // namespace
}  // namespace recotem::serve
