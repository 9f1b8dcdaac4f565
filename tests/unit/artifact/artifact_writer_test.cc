#include "recotem/artifact/artifact_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "artifact_test_support.h"
#include "recotem/core/errors.h"

namespace recotem {
namespace {

using ::recotem::testing::ReadBytes;
using ::recotem::testing::ScopedEnv;
using ::recotem::testing::TempDir;
using ::recotem::testing::ToString;
using ::recotem::testing::VectorBytes;
using ::recotem::testing::WriteBytes;
using ::testing::ElementsAre;

std::optional<std::string> Pointer(const std::string& text) { return ParsePointer(AsBytes(text)); }

unsigned Mode(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(ArtifactWriter, AppendShaWritesTheWorkedVectorAndItsPointer) {
  TempDir dir;
  std::vector<uint8_t> bytes = VectorBytes();
  WrittenArtifact written =
      WriteArtifactFile(dir / "artifacts/demo.recotem", Versioning::kAppendSha, bytes);
  EXPECT_EQ(written.artifact_path, (dir / "artifacts/demo.b16d73fe.recotem").string());
  EXPECT_EQ(written.pointer_path, (dir / "artifacts/demo.recotem").string());
  EXPECT_EQ(written.sha256_hex, "b16d73fe01643ec2aaf419fbb995b6594dd2e1df396f1faf10683979cc4cf804");
  EXPECT_EQ(ReadBytes(dir / "artifacts/demo.b16d73fe.recotem"), bytes);
  std::vector<uint8_t> pointer = ReadBytes(dir / "artifacts/demo.recotem");
  EXPECT_EQ(ToString(pointer), "demo.b16d73fe.recotem\n");
  EXPECT_EQ(pointer.size(), 22u);
}

TEST(ArtifactWriter, AppendShaKeepsAnOutputPathWithoutTheSuffixAsThePointer) {
  TempDir dir;
  WrittenArtifact written = WriteArtifactFile(dir / "news", Versioning::kAppendSha, VectorBytes());
  EXPECT_EQ(written.artifact_path, (dir / "news.b16d73fe.recotem").string());
  EXPECT_EQ(ToString(ReadBytes(dir / "news")), "news.b16d73fe.recotem\n");
}

TEST(ArtifactWriter, AppendShaRemovesOnlyOneTrailingSuffix) {
  TempDir dir;
  WrittenArtifact written =
      WriteArtifactFile(dir / "x.recotem.recotem", Versioning::kAppendSha, VectorBytes());
  EXPECT_EQ(written.artifact_path, (dir / "x.recotem.b16d73fe.recotem").string());
}

TEST(ArtifactWriter, TwoAppendShaWritesKeepBothVersionsAndPointToTheNewer) {
  TempDir dir;
  std::vector<uint8_t> first = VectorBytes();
  std::vector<uint8_t> second = VectorBytes();
  second.back() = 0x04;
  WrittenArtifact a = WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, first);
  WrittenArtifact b = WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, second);
  ASSERT_NE(a.artifact_path, b.artifact_path);
  std::string newer = std::filesystem::path(b.artifact_path).filename().string();
  std::string older = std::filesystem::path(a.artifact_path).filename().string();
  EXPECT_EQ(ReadBytes(a.artifact_path), first);
  EXPECT_EQ(ReadBytes(b.artifact_path), second);
  EXPECT_EQ(ToString(ReadBytes(dir / "m.recotem")), newer + "\n");
  std::vector<std::string> expected = {"m.recotem", newer, older};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(dir.FileNames(), expected);
}

TEST(ArtifactWriter, WritesTheVersionedFileBeforeThePointer) {
  TempDir dir;
  std::vector<std::string> order;
  WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, VectorBytes(),
                    [&](const std::filesystem::path& dest) {
                      order.push_back(dest.filename().string());
                      // The versioned file must already be in place when the
                      // pointer is about to be renamed.
                      if (dest.filename() == "m.recotem") {
                        EXPECT_TRUE(std::filesystem::exists(dir / "m.b16d73fe.recotem"));
                      }
                    });
  EXPECT_THAT(order, ElementsAre("m.b16d73fe.recotem", "m.recotem"));
}

TEST(ArtifactWriter, AlwaysOverwriteReplacesTheOutputPathAndWritesNoPointer) {
  TempDir dir;
  WriteBytes(dir / "m.recotem", {1, 2, 3});
  WrittenArtifact written =
      WriteArtifactFile(dir / "m.recotem", Versioning::kAlwaysOverwrite, VectorBytes());
  EXPECT_EQ(written.artifact_path, (dir / "m.recotem").string());
  EXPECT_FALSE(written.pointer_path.has_value());
  EXPECT_EQ(ReadBytes(dir / "m.recotem"), VectorBytes());
  EXPECT_THAT(dir.FileNames(), ElementsAre("m.recotem"));
}

TEST(ArtifactWriter, FilesAreOwnerOnlyAndNoTemporaryFileRemains) {
  TempDir dir;
  WriteArtifactFile(dir / "a.recotem", Versioning::kAppendSha, VectorBytes());
  WriteArtifactFile(dir / "b.recotem", Versioning::kAlwaysOverwrite, VectorBytes());
  EXPECT_EQ(Mode(dir / "a.recotem"), 0600u);
  EXPECT_EQ(Mode(dir / "a.b16d73fe.recotem"), 0600u);
  EXPECT_EQ(Mode(dir / "b.recotem"), 0600u);
  EXPECT_THAT(dir.FileNames(), ElementsAre("a.b16d73fe.recotem", "a.recotem", "b.recotem"));
}

TEST(ArtifactWriter, AContainmentFailureLeavesTheOldFilesIntactAndNoTemporaryFile) {
  TempDir dir;
  std::vector<uint8_t> first = VectorBytes();
  WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, first);
  std::vector<std::string> before = dir.FileNames();
  std::vector<uint8_t> second = VectorBytes();
  second.back() = 0x09;
  auto refuse = [](const std::filesystem::path&) {
    throw ArtifactError("outside RECOTEM_ARTIFACT_ROOT");
  };
  EXPECT_THROW(WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, second, refuse),
               ArtifactError);
  EXPECT_EQ(dir.FileNames(), before);
  EXPECT_EQ(ToString(ReadBytes(dir / "m.recotem")), "m.b16d73fe.recotem\n");
  EXPECT_EQ(ReadBytes(dir / "m.b16d73fe.recotem"), first);

  EXPECT_THROW(WriteArtifactFile(dir / "m.recotem", Versioning::kAlwaysOverwrite, second, refuse),
               ArtifactError);
  EXPECT_EQ(dir.FileNames(), before);
  EXPECT_EQ(ToString(ReadBytes(dir / "m.recotem")), "m.b16d73fe.recotem\n");
}

TEST(ArtifactWriter, APointerFailureKeepsTheOldPointer) {
  TempDir dir;
  WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, VectorBytes());
  std::vector<uint8_t> second = VectorBytes();
  second.back() = 0x09;
  auto refuse_pointer = [](const std::filesystem::path& dest) {
    if (dest.filename() == "m.recotem") {
      throw ArtifactError("refused");
    }
  };
  EXPECT_THROW(WriteArtifactFile(dir / "m.recotem", Versioning::kAppendSha, second, refuse_pointer),
               ArtifactError);
  EXPECT_EQ(ToString(ReadBytes(dir / "m.recotem")), "m.b16d73fe.recotem\n");
  for (const std::string& name : dir.FileNames()) {
    EXPECT_FALSE(name.ends_with(".tmp")) << name;
  }
}

TEST(ArtifactWriter, RefusesAnAppendShaNameNoPointerCouldReference) {
  TempDir dir;
  EXPECT_THROW(WriteArtifactFile(dir / "my model.recotem", Versioning::kAppendSha, VectorBytes()),
               ArtifactError);
  EXPECT_TRUE(dir.FileNames().empty());
}

TEST(ArtifactWriter, IoFailuresAreSystemErrors) {
  TempDir dir;
  WriteBytes(dir / "file", {1});
  EXPECT_THROW(
      WriteArtifactFile(dir / "file/sub.recotem", Versioning::kAlwaysOverwrite, VectorBytes()),
      std::system_error);
}

std::string ContainmentError(const std::filesystem::path& dest, const std::filesystem::path& root) {
  try {
    CheckWriteContainment(dest, root);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "";
}

TEST(WriteContainment, AcceptsDestinationsInsideTheRoot) {
  TempDir dir;
  std::filesystem::create_directories(dir / "root/sub");
  EXPECT_EQ(ContainmentError(dir / "root/m.recotem", dir / "root"), "");
  EXPECT_EQ(ContainmentError(dir / "root/sub/m.recotem", dir / "root/"), "");
  EXPECT_EQ(ContainmentError(dir / "root/sub/../m.recotem", dir / "root"), "");
}

TEST(WriteContainment, RejectsAParentOutsideTheRoot) {
  TempDir dir;
  std::filesystem::create_directories(dir / "root");
  std::filesystem::create_directories(dir / "rootless");
  std::filesystem::path dest = dir / "rootless/m.recotem";
  EXPECT_EQ(ContainmentError(dest, dir / "root"),
            "artifact write target '" + dest.string() + "' resolved parent '" +
                (dir / "rootless").string() + "' is outside RECOTEM_ARTIFACT_ROOT='" +
                (dir / "root").string() + "'. Symlink-escape attempt rejected at write time.");
  EXPECT_THAT(ContainmentError(dir / "root/../rootless/m.recotem", dir / "root"),
              ::testing::HasSubstr("Symlink-escape attempt rejected"));
}

TEST(WriteContainment, RejectsADestinationThatIsASymlinkOutOfTheRoot) {
  TempDir dir;
  std::filesystem::create_directories(dir / "root");
  std::filesystem::create_symlink(dir / "elsewhere.recotem", dir / "root/m.recotem");
  EXPECT_EQ(ContainmentError(dir / "root/m.recotem", dir / "root"),
            "artifact write target '" + (dir / "root/m.recotem").string() + "' resolves to '" +
                (dir / "elsewhere.recotem").string() +
                "' which is outside RECOTEM_ARTIFACT_ROOT='" + (dir / "root").string() +
                "'. Path-traversal attempt rejected at write time.");
}

TEST(WriteContainment, RejectsAMissingParent) {
  TempDir dir;
  EXPECT_EQ(ContainmentError(dir / "gone/m.recotem", dir.path()),
            "artifact write target parent '" + (dir / "gone").string() +
                "' does not exist or is not a directory at write time.");
}

TEST(WriteContainment, CatchesASymlinkSwappedInAfterLoadAtWriteTime) {
  TempDir dir;
  std::filesystem::create_directories(dir / "root");
  std::filesystem::create_directories(dir / "outside");
  // The recipe was validated while root/out was a real directory; then it
  // became a symlink to a directory outside the root.
  std::filesystem::create_directory_symlink(dir / "outside", dir / "root/out");
  ScopedEnv env(kArtifactRootEnv, (dir / "root").string());
  auto check = ContainmentCheckFromEnvironment();
  ASSERT_TRUE(static_cast<bool>(check));
  EXPECT_THROW(
      WriteArtifactFile(dir / "root/out/m.recotem", Versioning::kAppendSha, VectorBytes(), check),
      ArtifactError);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "outside"));
  EXPECT_NO_THROW(
      WriteArtifactFile(dir / "root/m.recotem", Versioning::kAppendSha, VectorBytes(), check));
}

TEST(WriteContainment, RunsNoCheckWhenTheRootIsUnsetOrBlank) {
  {
    ScopedEnv env(kArtifactRootEnv, std::nullopt);
    EXPECT_FALSE(static_cast<bool>(ContainmentCheckFromEnvironment()));
  }
  {
    ScopedEnv env(kArtifactRootEnv, " ");
    EXPECT_FALSE(static_cast<bool>(ContainmentCheckFromEnvironment()));
  }
}

TEST(ParsePointer, AcceptsABasenameWithTrailingWhitespace) {
  EXPECT_EQ(Pointer("demo.b16d73fe.recotem\n"), "demo.b16d73fe.recotem");
  EXPECT_EQ(Pointer("demo.recotem"), "demo.recotem");
  EXPECT_EQ(Pointer("a-b_C.9.recotem \t\r\n\n"), "a-b_C.9.recotem");
  EXPECT_EQ(Pointer("..recotem"), "..recotem");
}

TEST(ParsePointer, RejectsAnythingOutsideTheGrammar) {
  for (const char* text : {"", "\n", ".recotem", " demo.recotem", "dir/demo.recotem",
                           "../demo.recotem", "demo.recotemx", "demo.recotem x", "demo.RECOTEM",
                           "demo\x01.recotem", "déjà.recotem", "demo.recotem\nsecond.recotem"}) {
    EXPECT_EQ(Pointer(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParsePointer(VectorBytes()), std::nullopt);
}

TEST(ParsePointer, AppliesTheFiveHundredTwelveByteLimitToTheWholeFile) {
  std::string name = std::string(504, 'a') + ".recotem";
  ASSERT_EQ(name.size(), 512u);
  EXPECT_EQ(Pointer(name), name);
  EXPECT_EQ(Pointer(name + "\n"), std::nullopt);
  EXPECT_EQ(Pointer(std::string(503, 'a') + ".recotem\n"), std::string(503, 'a') + ".recotem");
}

}  // namespace
}  // namespace recotem
