#include "recotem/core/hashing.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <set>

#include "recotem/core/strings.h"

namespace recotem {
namespace {

TEST(Hashing, Sha256OfEmptyString) {
  EXPECT_EQ(Sha256Hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hashing, ScryptMatchesRfc7914Vector1) {
  std::vector<uint8_t> out = Scrypt({}, {}, 16, 1, 1, 64);
  EXPECT_EQ(HexEncode(out).substr(0, 32), "77d6576238657b203b19ca42c18a0497");
}

TEST(Hashing, ScryptAcceptsTheApiKeyCostOfTwo) {
  std::vector<uint8_t> out = Scrypt(AsBytes("recotem-quickstart-demo-key-0000"),
                                    AsBytes("recotem.api-key.v1"), 2, 8, 1, 32);
  EXPECT_EQ(HexEncode(out), "21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125");
}

TEST(Hashing, HmacSha256OfConcatenatedParts) {
  std::vector<uint8_t> key(32, 0);
  auto one = HmacSha256(key, {AsBytes("ab"), AsBytes("c")});
  auto two = HmacSha256(key, {AsBytes("abc")});
  EXPECT_EQ(one, two);
}

TEST(Hashing, ConstantTimeEqualComparesLengthAndBytes) {
  EXPECT_TRUE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abc")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abd")));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("abc"), std::string_view("abcd")));
}

TEST(Hashing, Uuid4HasCanonicalForm) {
  std::string u = RandomUuid4();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_EQ(u[8], '-');
}

TEST(Hashing, Uuid4sAreDistinctAcrossRefillsOfTheRandomBlock) {
  const std::regex canonical("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  constexpr int kCount = 1000;  // 16 kB of random bytes: several 4 kB blocks
  for (int i = 0; i < kCount; ++i) {
    std::string u = RandomUuid4();
    if (i % 100 == 0) {
      EXPECT_TRUE(std::regex_match(u, canonical)) << u;
    }
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount));
}

// Ids are drawn from a per-thread block of CSPRNG bytes: a forked child must
// not hand out the bytes its parent hands out next.
TEST(Hashing, AForkedChildDoesNotRepeatTheParentsNextUuid) {
  (void)RandomUuid4();  // the block is filled now
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string u = RandomUuid4();
    ssize_t written = write(fds[1], u.data(), u.size());
    _exit(written == static_cast<ssize_t>(u.size()) ? 0 : 1);
  }
  std::string parent = RandomUuid4();
  std::string child(36, '\0');
  ssize_t got = read(fds[0], child.data(), child.size());
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  close(fds[1]);
  ASSERT_EQ(got, 36);
  EXPECT_NE(child, parent);
}

}  // namespace
}  // namespace recotem
