// Loading a directory of recipes (recipe.md §14): *.yaml only, sorted,
// non-recursive, symlinks must stay inside; strict mode fails on the first
// error or duplicate name, lenient mode skips with the spec's events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "recipe_test_support.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string RecipeNamed(const std::string& name) {
  auto doc = testing::MinimalRecipeJson();
  doc["name"] = name;
  return doc.dump();
}

TEST(RecipeDirectory, LenientLoadsOnlyYamlFilesSortedAndNonRecursive) {
  testing::TempDir dir;
  dir.Write("b.yaml", RecipeNamed("beta"));
  dir.Write("a.yaml", RecipeNamed("alpha"));
  dir.Write("c.yml", RecipeNamed("gamma"));
  dir.Write("notes.txt", "x");
  dir.Write("sub/d.yaml", RecipeNamed("delta"));
  fs::create_directories(dir.path() / "e.yaml");  // a directory, not a file
  LenientDirectoryLoad load = LoadRecipeDirectoryLenient(dir.path());
  ASSERT_EQ(load.recipes.size(), 2u);
  EXPECT_EQ(load.recipes[0].name, "alpha");
  EXPECT_EQ(load.recipes[1].name, "beta");
  EXPECT_TRUE(load.failures.empty());
}

TEST(RecipeDirectory, LenientSkipsBadFilesWithTheirCategoryAndEvents) {
  testing::TempDir dir;
  dir.Write("good.yaml", RecipeNamed("good"));
  dir.Write("broken.yaml", "name: [\n");
  auto insecure = testing::MinimalRecipeJson();
  insecure["name"] = "insecure";
  insecure["source"]["path"] = "memory://x.csv";
  dir.Write("insecure.yaml", insecure.dump());
  testing::LogCapture capture;
  LenientDirectoryLoad load = LoadRecipeDirectoryLenient(dir.path());
  ASSERT_EQ(load.recipes.size(), 1u);
  ASSERT_EQ(load.failures.size(), 2u);
  EXPECT_EQ(load.failures[0].stem, "broken");
  EXPECT_EQ(load.failures[0].category, "parse");
  EXPECT_EQ(load.failures[1].stem, "insecure");
  EXPECT_EQ(load.failures[1].category, "security");

  auto skipped = capture.Events(events::kRecipeLoadErrorSkipped);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]["level"], "warning");
  EXPECT_EQ(skipped[0]["error_class"], "RecipeError");
  EXPECT_THAT(skipped[0]["file"].get<std::string>(), HasSubstr("broken.yaml"));
  auto security = capture.Events(events::kRecipeSecurityViolationSkipped);
  ASSERT_EQ(security.size(), 1u);
  EXPECT_EQ(security[0]["level"], "error");
  EXPECT_EQ(security[0]["category"], "security");
  auto done = capture.Events(events::kRecipesDirectoryLoadedLenient);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["ok"], 1);
  EXPECT_EQ(done[0]["errors"], 2);
}

TEST(RecipeDirectory, LenientKeepsTheFirstOfDuplicateNames) {
  testing::TempDir dir;
  dir.Write("1-first.yaml", RecipeNamed("same"));
  auto second = testing::MinimalRecipeJson();
  second["name"] = "same";
  second["training"]["cutoff"] = 5;
  dir.Write("2-second.yaml", second.dump());
  testing::LogCapture capture;
  LenientDirectoryLoad load = LoadRecipeDirectoryLenient(dir.path());
  ASSERT_EQ(load.recipes.size(), 1u);
  EXPECT_EQ(load.recipes[0].training.cutoff, 20);
  auto dup = capture.Events(events::kRecipeDuplicateNameSkipped);
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0]["name"], "same");
  EXPECT_THAT(dup[0]["file"].get<std::string>(), HasSubstr("2-second.yaml"));
}

TEST(RecipeDirectory, SymlinkEscapingTheDirectoryIsASecurityFailure) {
  testing::TempDir outside;
  auto target = outside.Write("elsewhere.yaml", RecipeNamed("escaped"));
  testing::TempDir dir;
  dir.Write("ok.yaml", RecipeNamed("ok"));
  fs::create_symlink(target, dir.path() / "link.yaml");
  fs::create_symlink(dir.path() / "ok.yaml", dir.path() / "inner.yaml");
  LenientDirectoryLoad load = LoadRecipeDirectoryLenient(dir.path());
  ASSERT_EQ(load.failures.size(), 1u);
  EXPECT_EQ(load.failures[0].stem, "link");
  EXPECT_EQ(load.failures[0].category, "security");
  // A symlink that stays inside is fine (its duplicate name is skipped).
  ASSERT_EQ(load.recipes.size(), 1u);
  EXPECT_EQ(load.recipes[0].name, "ok");
}

TEST(RecipeDirectory, NotADirectoryIsARecipeError) {
  testing::TempDir dir;
  auto file = dir.Write("x.yaml", RecipeNamed("x"));
  EXPECT_THROW(LoadRecipeDirectoryLenient(file), RecipeError);
  EXPECT_THROW(LoadRecipeDirectoryLenient(dir.path() / "missing"), RecipeError);
  EXPECT_THROW(LoadRecipeDirectoryStrict(dir.path() / "missing"), RecipeError);
}

TEST(RecipeDirectory, StrictRejectsDuplicateNamesNamingBothFiles) {
  testing::TempDir dir;
  dir.Write("a.yaml", RecipeNamed("same"));
  dir.Write("b.yaml", RecipeNamed("same"));
  try {
    LoadRecipeDirectoryStrict(dir.path());
    FAIL() << "expected RecipeError";
  } catch (const RecipeError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("b.yaml: duplicate recipe name 'same'"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("a.yaml"));
  }
}

TEST(RecipeDirectory, StrictFailsOnTheFirstBadFile) {
  testing::TempDir dir;
  dir.Write("a.yaml", RecipeNamed("a"));
  dir.Write("b.yaml", "name: [\n");
  EXPECT_THROW(LoadRecipeDirectoryStrict(dir.path()), RecipeError);
}

TEST(RecipeDirectory, StrictLoadsAllAndLogsTheCount) {
  testing::TempDir dir;
  dir.Write("a.yaml", RecipeNamed("a"));
  dir.Write("b.yaml", RecipeNamed("b"));
  testing::LogCapture capture;
  auto recipes = LoadRecipeDirectoryStrict(dir.path());
  ASSERT_EQ(recipes.size(), 2u);
  auto done = capture.Events(events::kRecipesDirectoryLoaded);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["count"], 2);
}

}  // namespace
}  // namespace recotem
