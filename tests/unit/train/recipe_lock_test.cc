#include "recotem/train/recipe_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "recotem/core/errors.h"

namespace recotem {
namespace {

class RecipeLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("recotem-lock-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    output_ = (dir_ / "model.recotem").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string output_;
};

TEST_F(RecipeLockTest, LocalLockFileSitsNextToTheOutput) {
  EXPECT_EQ(RecipeLockPath("/a/b.recotem"), std::filesystem::path("/a/b.recotem.lock"));
  EXPECT_EQ(RecipeLockPath("file:///a/b.recotem"), std::filesystem::path("/a/b.recotem.lock"));
}

TEST_F(RecipeLockTest, RemoteOutputsLockUnderTheLockDir) {
  setenv("RECOTEM_LOCK_DIR", dir_.c_str(), 1);
  std::filesystem::path p = RecipeLockPath("s3://bucket/k.recotem");
  unsetenv("RECOTEM_LOCK_DIR");
  EXPECT_EQ(p.parent_path(), dir_);
  EXPECT_EQ(p.filename().string().size(), 64u + 5u);
}

TEST_F(RecipeLockTest, SecondHolderSkipsOrFailsWhenBusy) {
  RecipeLock first;
  ASSERT_EQ(first.Acquire(output_, "r", "run", {}), RecipeLock::Outcome::kAcquired);
  RecipeLock second;
  EXPECT_EQ(second.Acquire(output_, "r", "run", {}), RecipeLock::Outcome::kSkipped);
  try {
    RecipeLock third;
    third.Acquire(output_, "r", "run", {true, 0.0});
    FAIL();
  } catch (const LockContestedError& e) {
    EXPECT_EQ(e.code(), "lock_contested");
  }
}

TEST_F(RecipeLockTest, TimeoutExpiryIsALockTimeoutEvenWithoutFailOnBusy) {
  RecipeLock first;
  ASSERT_EQ(first.Acquire(output_, "r", "run", {}), RecipeLock::Outcome::kAcquired);
  RecipeLock second;
  try {
    second.Acquire(output_, "r", "run", {false, 0.2});
    FAIL();
  } catch (const LockContestedError& e) {
    EXPECT_EQ(e.code(), "lock_timeout");
  }
}

TEST_F(RecipeLockTest, ASymlinkAtTheLockPathIsRefused) {
  std::filesystem::create_symlink(dir_ / "elsewhere", output_ + ".lock");
  RecipeLock lock;
  EXPECT_THROW(lock.Acquire(output_, "r", "run", {}), std::system_error);
}

}  // namespace
}  // namespace recotem
