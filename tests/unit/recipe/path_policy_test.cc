// Path rules of recipe.md §12: scheme extraction, per-field allow-lists,
// `::`, embedded credentials, and RECOTEM_ARTIFACT_ROOT containment.
#include "recotem/recipe/path_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_test_support.h"
#include "recotem/core/env.h"

namespace recotem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using env::kArtifactRootEnv;

std::string InputError(const std::string& location) {
  try {
    CheckInputPath("source.path", location);
  } catch (const RecipeError& e) {
    EXPECT_EQ(RecipeErrorCategoryOf(e), "security");
    return e.what();
  }
  return "";
}

std::string OutputError(const std::string& location) {
  try {
    CheckOutputPath(location);
  } catch (const RecipeError& e) {
    EXPECT_EQ(RecipeErrorCategoryOf(e), "security");
    return e.what();
  }
  return "";
}

std::string ContainmentError(const std::string& location) {
  try {
    CheckArtifactRootContainment(location);
  } catch (const RecipeError& e) {
    return RecipeErrorCategoryOf(e) + ": " + e.what();
  }
  return "";
}

TEST(PathPolicy, SchemeIsExtractedLikeUrlparse) {
  EXPECT_EQ(ParseLocation("C:/x.csv").scheme, "c");
  EXPECT_EQ(ParseLocation("data:2024.csv").scheme, "data");
  EXPECT_EQ(ParseLocation("./a:b.csv").scheme, "");
  EXPECT_EQ(ParseLocation("S3://B/k").scheme, "s3");
  EXPECT_EQ(ParseLocation("1abc:x").scheme, "");
  ParsedLocation p = ParseLocation("https://user:pw@Host.Example:8443/a/b?q=1");
  EXPECT_EQ(p.hostname, "host.example");
  EXPECT_EQ(p.path, "/a/b");
  EXPECT_TRUE(p.has_username);
  EXPECT_TRUE(p.has_password);
}

TEST(PathPolicy, InputSchemesFollowTheAllowList) {
  for (const char* ok : {"a.csv", "/abs/a.csv", "file:///a.csv", "s3://b/k", "gs://b/k", "az://c/k",
                         "abfs://c/k", "abfss://c/k", "http://h/k", "https://h/k"}) {
    EXPECT_EQ(InputError(ok), "") << ok;
  }
  EXPECT_THAT(InputError("memory://x"), HasSubstr("source.path: scheme 'memory' is not allowed"));
  EXPECT_THAT(InputError("C:/x.csv"), HasSubstr("scheme 'c'"));
  EXPECT_THAT(InputError("ftp://h/x"), HasSubstr("scheme 'ftp'"));
}

TEST(PathPolicy, ChainedProtocolsAreRejectedOnInputsOnly) {
  EXPECT_THAT(InputError("simplecache::https://h/x.csv"), HasSubstr("'::'"));
  EXPECT_THAT(InputError("a::b.csv"), HasSubstr("'::'"));
  EXPECT_EQ(OutputError("out/a::b.recotem"), "");
}

TEST(PathPolicy, EmbeddedCredentialsAreRejectedWithoutEchoingThem) {
  for (const char* bad : {"https://user:hunter2@h/x", "http://user@h/x", "s3://AKIA:hunter2@b/k",
                          "https://:hunter2@h/x", "abfss://c@acct/k"}) {
    std::string error = InputError(bad);
    EXPECT_THAT(error, HasSubstr("credentials")) << bad;
    EXPECT_THAT(error, Not(HasSubstr("hunter2"))) << bad;
  }
  // gs (project@bucket), az, file and bare paths are not checked; an empty
  // user name is not a credential.
  EXPECT_EQ(InputError("gs://project@bucket/k"), "");
  EXPECT_EQ(InputError("az://user:pw@c/k"), "");
  EXPECT_EQ(InputError("https://@h/x"), "");
  EXPECT_THAT(OutputError("s3://k:s@b/out.recotem"), HasSubstr("output.path: credentials"));
}

TEST(PathPolicy, OutputSchemesFollowTheirOwnAllowList) {
  for (const char* ok : {"out.recotem", "file:///o.recotem", "file://localhost/o.recotem",
                         "s3://b/o", "gs://b/o", "az://c/o", "abfs://c/o", "abfss://c/o"}) {
    EXPECT_EQ(OutputError(ok), "") << ok;
  }
  for (const char* bad : {"http://h/o", "https://h/o", "ftp://h/o", "memory://o"}) {
    EXPECT_THAT(OutputError(bad), HasSubstr("output.path: scheme")) << bad;
  }
  EXPECT_THAT(OutputError("file://otherhost/o.recotem"), HasSubstr("no host or 'localhost'"));
}

TEST(PathPolicy, LocalPathOfDecodesFileUris) {
  EXPECT_EQ(LocalPathOf("a/b.recotem"), "a/b.recotem");
  EXPECT_EQ(LocalPathOf("file:///tmp/a%20b.recotem"), "/tmp/a b.recotem");
  EXPECT_FALSE(LocalPathOf("s3://b/k").has_value());
}

TEST(ArtifactRoot, UnsetRootMeansNoContainmentAndNoParentCheck) {
  testing::ScopedEnv root(kArtifactRootEnv, std::nullopt);
  EXPECT_EQ(ContainmentError("/no/such/dir/a.recotem"), "");
}

TEST(ArtifactRoot, OutputsInsideTheRootAreAccepted) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "root" / "sub");
  testing::ScopedEnv root(kArtifactRootEnv, (dir.path() / "root").string());
  EXPECT_EQ(ContainmentError((dir.path() / "root" / "sub" / "a.recotem").string()), "");
  EXPECT_EQ(ContainmentError("file://" + (dir.path() / "root" / "a.recotem").string()), "");
  EXPECT_EQ(ContainmentError("s3://b/anything"), "");  // remote outputs are not contained
}

TEST(ArtifactRoot, EscapesThroughDotDotAndSymlinksAreSecurityErrors) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "root");
  std::filesystem::create_directories(dir.path() / "elsewhere");
  std::filesystem::create_directory_symlink(dir.path() / "elsewhere", dir.path() / "root" / "link");
  testing::ScopedEnv root(kArtifactRootEnv, (dir.path() / "root").string());
  EXPECT_THAT(ContainmentError((dir.path() / "root" / ".." / "elsewhere" / "a.recotem").string()),
              HasSubstr("security: output.path: resolves outside RECOTEM_ARTIFACT_ROOT"));
  EXPECT_THAT(ContainmentError((dir.path() / "root" / "link" / "a.recotem").string()),
              HasSubstr("security: "));
  EXPECT_THAT(ContainmentError((dir.path() / "root" / "..").string()), HasSubstr("security: "));
}

TEST(ArtifactRoot, MissingParentUnderARootMustBeCreatedFirst) {
  testing::TempDir dir;
  testing::ScopedEnv root(kArtifactRootEnv, dir.path().string());
  EXPECT_THAT(ContainmentError((dir.path() / "missing" / "a.recotem").string()),
              HasSubstr("unknown: output.path: the output directory"));
  EXPECT_THAT(ContainmentError((dir.path() / "missing" / "a.recotem").string()),
              HasSubstr("create it before running training"));
}

TEST(ArtifactRoot, LoaderAppliesContainmentToOutputPath) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "root");
  testing::ScopedEnv root(kArtifactRootEnv, (dir.path() / "root").string());
  auto doc = testing::MinimalRecipeJson();
  doc["output"]["path"] = (dir.path() / "a.recotem").string();
  EXPECT_EQ(testing::LoadErrorCategory(doc.dump()), "security");
  doc["output"]["path"] = (dir.path() / "root" / "a.recotem").string();
  EXPECT_EQ(testing::LoadErrorJson(doc), "");
}

}  // namespace
}  // namespace recotem
