#include "recotem/artifact/artifact_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "artifact_test_support.h"
#include "recotem/artifact/artifact_writer.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

using ::recotem::testing::kDevRing;
using ::recotem::testing::KeyOf;
using ::recotem::testing::LogCapture;
using ::recotem::testing::RealArtifact;
using ::recotem::testing::ScopedEnv;
using ::recotem::testing::TempDir;
using ::recotem::testing::VectorBytes;
using ::recotem::testing::WriteBytes;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kArtifactCapEnv = "RECOTEM_MAX_ARTIFACT_BYTES";
constexpr const char* kPayloadCapEnv = "RECOTEM_MAX_PAYLOAD_BYTES";

// Runs ReadVerifiedArtifact and returns the error it threw.
ArtifactLoadError LoadError(const std::filesystem::path& path, const ArtifactCaps& caps,
                            const KeyRing* ring, ReaderStyle style = ReaderStyle::kServe) {
  try {
    ReadVerifiedArtifact(path, caps, ring, style);
  } catch (const ArtifactLoadError& e) {
    return e;
  }
  ADD_FAILURE() << "loaded " << path;
  return ArtifactLoadError(ArtifactLoadStage::kRead, "", "");
}

class ArtifactReaderTest : public ::testing::Test {
 protected:
  const KeyRing ring_ = KeyRing::Parse("active:" + std::string(64, '7'));
  const ArtifactCaps caps_{};
  TempDir dir_;
};

TEST(ArtifactCaps, DefaultsToTwoGibAndHalfAGib) {
  ScopedEnv a(kArtifactCapEnv, std::nullopt);
  ScopedEnv p(kPayloadCapEnv, "");
  ArtifactCaps caps = ArtifactCaps::FromEnvironment();
  EXPECT_EQ(caps.artifact_bytes, 2147483648ULL);
  EXPECT_EQ(caps.payload_bytes, 536870912ULL);
}

TEST(ArtifactCaps, ReadsLooseIntegersAndClampsWithWarnings) {
  LogCapture capture;
  ScopedEnv a(kArtifactCapEnv, " 4_194_304 ");
  ScopedEnv p(kPayloadCapEnv, "10");
  ArtifactCaps caps = ArtifactCaps::FromEnvironment();
  EXPECT_EQ(caps.artifact_bytes, 4194304u);
  EXPECT_EQ(caps.payload_bytes, 1048576u);
  auto clamped = capture.Events(events::kEnvVarClamped);
  ASSERT_EQ(clamped.size(), 1u);
  EXPECT_EQ(clamped[0]["name"], kPayloadCapEnv);
  EXPECT_EQ(clamped[0]["requested"], 10);
  EXPECT_EQ(clamped[0]["clamped"], 1048576);
}

TEST(ArtifactCaps, FallsBackToTheDefaultForAnUnparseableValue) {
  LogCapture capture;
  ScopedEnv a(kArtifactCapEnv, "lots");
  ScopedEnv p(kPayloadCapEnv, std::nullopt);
  EXPECT_EQ(ArtifactCaps::FromEnvironment().artifact_bytes, 2147483648ULL);
  auto records = capture.Events(events::kEnvVarUnparseable);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["name"], kArtifactCapEnv);
  EXPECT_EQ(records[0]["raw"], "lots");
}

TEST(ArtifactCaps, RefusesAPayloadCapAboveTheArtifactCap) {
  ScopedEnv a(kArtifactCapEnv, "2000000");
  ScopedEnv p(kPayloadCapEnv, "3000000");
  try {
    ArtifactCaps::FromEnvironment();
    FAIL() << "accepted payload cap > artifact cap";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "RECOTEM_MAX_PAYLOAD_BYTES (3000000) must be <= RECOTEM_MAX_ARTIFACT_BYTES "
                 "(2000000); reduce RECOTEM_MAX_PAYLOAD_BYTES or increase "
                 "RECOTEM_MAX_ARTIFACT_BYTES");
  }
  ScopedEnv equal(kPayloadCapEnv, "2000000");
  EXPECT_EQ(ArtifactCaps::FromEnvironment().payload_bytes, 2000000u);
}

TEST_F(ArtifactReaderTest, ReadsAndVerifiesARealArtifact) {
  LogCapture capture;
  std::vector<uint8_t> bytes = RealArtifact(ring_.active());
  WriteBytes(dir_ / "m.recotem", bytes);
  VerifiedArtifact a = ReadVerifiedArtifact(dir_ / "m.recotem", caps_, &ring_, ReaderStyle::kServe);
  EXPECT_EQ(a.path, (dir_ / "m.recotem").string());
  EXPECT_EQ(a.kid, "active");
  EXPECT_EQ(a.sha256_hex, Sha256Hex(bytes));
  EXPECT_EQ(a.bytes, bytes);
  EXPECT_EQ(a.header["recipe_name"], "news");
  EXPECT_EQ(a.header.begin().key(), "recipe_name");
  ParsedContainer c = ParseContainer(bytes, UINT64_MAX);
  EXPECT_EQ(a.payload_offset, static_cast<size_t>(c.payload.data() - bytes.data()));
  ModelBundle bundle = DecodePayload(std::span<const uint8_t>(a.bytes).subspan(a.payload_offset),
                                     a.header["best_class"].get<std::string>());
  EXPECT_EQ(bundle.items.size(), 4);
  auto loaded = capture.Events(events::kArtifactLoaded);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0]["kid"], "active");
  EXPECT_EQ(loaded[0]["path"], a.path);
}

TEST_F(ArtifactReaderTest, FollowsAnAppendShaPointerToItsTarget) {
  std::vector<uint8_t> bytes = RealArtifact(ring_.active());
  WrittenArtifact written = WriteArtifactFile(dir_ / "m.recotem", Versioning::kAppendSha, bytes);
  VerifiedArtifact a = ReadVerifiedArtifact(dir_ / "m.recotem", caps_, &ring_, ReaderStyle::kServe);
  EXPECT_EQ(a.path, written.artifact_path);
  EXPECT_EQ(a.sha256_hex, written.sha256_hex);
  EXPECT_EQ(a.bytes, bytes);
}

TEST_F(ArtifactReaderTest, ReportsAPointerToAMissingTarget) {
  WriteBytes(dir_ / "m.recotem", std::vector<uint8_t>{'g', 'o', 'n', 'e', '.', 'r', 'e', 'c', 'o',
                                                      't', 'e', 'm', '\n'});
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kRead);
  EXPECT_EQ(e.kid(), kUnknownKid);
  EXPECT_EQ(std::string(e.what()), "pointer '" + (dir_ / "m.recotem").string() +
                                       "' references missing artifact '" +
                                       (dir_ / "gone.recotem").string() + "'");
}

TEST_F(ArtifactReaderTest, ReportsAPointerTargetThatCannotBeRead) {
  std::filesystem::create_directory(dir_ / "dir.recotem");
  WriteBytes(dir_ / "m.recotem", {'d', 'i', 'r', '.', 'r', 'e', 'c', 'o', 't', 'e', 'm'});
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kRead);
  EXPECT_EQ(std::string(e.what()), "failed to read artifact via pointer '" +
                                       (dir_ / "m.recotem").string() + "': Is a directory");
}

TEST_F(ArtifactReaderTest, AppliesTheReadCapToThePointerTarget) {
  WriteBytes(dir_ / "t.recotem", std::vector<uint8_t>(600, 'x'));
  WriteBytes(dir_ / "m.recotem", {'t', '.', 'r', 'e', 'c', 'o', 't', 'e', 'm'});
  ArtifactCaps small{.artifact_bytes = 512, .payload_bytes = 512};
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", small, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kRead);
  EXPECT_EQ(std::string(e.what()), "artifact '" + (dir_ / "t.recotem").string() +
                                       "' size 513 exceeds cap 512; refusing to load");
}

TEST_F(ArtifactReaderTest, FollowsOnlyOneLevelOfIndirection) {
  WriteArtifactFile(dir_ / "inner.recotem", Versioning::kAlwaysOverwrite,
                    RealArtifact(ring_.active()));
  WriteBytes(dir_ / "middle.recotem",
             {'i', 'n', 'n', 'e', 'r', '.', 'r', 'e', 'c', 'o', 't', 'e', 'm'});
  WriteBytes(dir_ / "outer.recotem",
             {'m', 'i', 'd', 'd', 'l', 'e', '.', 'r', 'e', 'c', 'o', 't', 'e', 'm'});
  EXPECT_NO_THROW(
      ReadVerifiedArtifact(dir_ / "middle.recotem", caps_, &ring_, ReaderStyle::kServe));
  ArtifactLoadError e = LoadError(dir_ / "outer.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kParse);
  EXPECT_THAT(e.what(), StartsWith("magic bytes mismatch"));
}

TEST_F(ArtifactReaderTest, ParsesAPointerLookalikeWithAnInvalidNameAsAnArtifact) {
  WriteBytes(dir_ / "m.recotem", {'.', '.', '/', 'x', '.', 'r', 'e', 'c', 'o', 't', 'e', 'm'});
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kParse);
  EXPECT_THAT(e.what(), StartsWith("magic bytes mismatch"));
}

TEST_F(ArtifactReaderTest, WordsAMissingFileByStyle) {
  std::filesystem::path missing = dir_ / "missing.recotem";
  EXPECT_EQ(std::string(LoadError(missing, caps_, &ring_, ReaderStyle::kServe).what()),
            "cannot read artifact '" + missing.string() + "': No such file or directory");
  ArtifactLoadError library = LoadError(missing, caps_, &ring_, ReaderStyle::kInspect);
  EXPECT_EQ(std::string(library.what()), "artifact not found: " + missing.string());
  EXPECT_EQ(library.stage(), ArtifactLoadStage::kRead);
  std::filesystem::create_directory(dir_ / "d");
  EXPECT_EQ(std::string(LoadError(dir_ / "d", caps_, &ring_, ReaderStyle::kInspect).what()),
            "failed to read artifact " + (dir_ / "d").string() + ": Is a directory");
}

TEST_F(ArtifactReaderTest, WordsTheReadCapByStyleAndCountsBytesReadNotFileSize) {
  WriteBytes(dir_ / "big.recotem", std::vector<uint8_t>(5000, 'x'));
  ArtifactCaps small{.artifact_bytes = 1000, .payload_bytes = 1000};
  EXPECT_EQ(
      std::string(LoadError(dir_ / "big.recotem", small, &ring_, ReaderStyle::kServe).what()),
      "artifact at '" + (dir_ / "big.recotem").string() + "' exceeds cap 1000; refusing load");
  EXPECT_EQ(
      std::string(LoadError(dir_ / "big.recotem", small, &ring_, ReaderStyle::kInspect).what()),
      "artifact size 1001 exceeds cap 1000; refusing to load");
}

TEST_F(ArtifactReaderTest, AcceptsAFileOfExactlyTheReadCap) {
  std::vector<uint8_t> bytes = RealArtifact(ring_.active());
  WriteBytes(dir_ / "m.recotem", bytes);
  ArtifactCaps exact{.artifact_bytes = bytes.size(), .payload_bytes = bytes.size()};
  EXPECT_NO_THROW(ReadVerifiedArtifact(dir_ / "m.recotem", exact, &ring_, ReaderStyle::kServe));
  exact.artifact_bytes = bytes.size() - 1;
  EXPECT_EQ(LoadError(dir_ / "m.recotem", exact, &ring_).stage(), ArtifactLoadStage::kRead);
}

TEST_F(ArtifactReaderTest, AppliesThePayloadCapAtStructuralParse) {
  WriteBytes(dir_ / "demo.recotem", VectorBytes());
  KeyRing dev = KeyRing::Parse(kDevRing);
  ArtifactCaps caps{.artifact_bytes = 1 << 20, .payload_bytes = 3};
  ArtifactLoadError e = LoadError(dir_ / "demo.recotem", caps, &dev);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kParse);
  EXPECT_EQ(e.kid(), "dev");
  EXPECT_STREQ(e.what(), "payload size 4 exceeds cap 3; refusing to load");
}

TEST_F(ArtifactReaderTest, ReportsHmacFailuresWithTheSanitisedKid) {
  WriteBytes(dir_ / "m.recotem", BuildContainer(KeyOf("ev\x1bil", 1), "{}", {}));
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kHmac);
  EXPECT_EQ(e.kid(), "ev\\x1bil");
  EXPECT_THAT(e.what(), StartsWith("artifact signed with unknown kid 'ev\\x1bil'"));
}

TEST_F(ArtifactReaderTest, ChecksTheHmacBeforeTheHeaderJson) {
  WriteBytes(dir_ / "m.recotem", BuildContainer(KeyOf("active", 1), "not json", {}));
  EXPECT_EQ(LoadError(dir_ / "m.recotem", caps_, &ring_).stage(), ArtifactLoadStage::kHmac);
  WriteBytes(dir_ / "m.recotem", BuildContainer(ring_.active(), "not json", {}));
  ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
  EXPECT_EQ(e.stage(), ArtifactLoadStage::kHeaderJson);
  EXPECT_EQ(e.kid(), "active");
  EXPECT_THAT(e.what(), StartsWith("header JSON decode failed: parse error"));
  WriteBytes(dir_ / "m.recotem", BuildContainer(ring_.active(), "[1]", {}));
  EXPECT_STREQ(LoadError(dir_ / "m.recotem", caps_, &ring_).what(),
               "header JSON decode failed: expected a JSON object, got array");
}

TEST_F(ArtifactReaderTest, WithoutARingSkipsOnlyTheHmac) {
  std::vector<uint8_t> bytes = RealArtifact(KeyOf("whatever", 9));
  bytes.back() ^= 1;
  WriteBytes(dir_ / "m.recotem", bytes);
  VerifiedArtifact a =
      ReadVerifiedArtifact(dir_ / "m.recotem", caps_, nullptr, ReaderStyle::kServe);
  EXPECT_EQ(a.kid, "whatever");
  WriteBytes(dir_ / "m.recotem", BuildContainer(KeyOf("x", 1), "{", {}));
  EXPECT_EQ(LoadError(dir_ / "m.recotem", caps_, nullptr).stage(), ArtifactLoadStage::kHeaderJson);
}

TEST_F(ArtifactReaderTest, RejectsAFlippedByteAnywhereInARealArtifact) {
  std::vector<uint8_t> bytes = RealArtifact(ring_.active());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= 0xFF;
    WriteBytes(dir_ / "m.recotem", flipped);
    try {
      ReadVerifiedArtifact(dir_ / "m.recotem", caps_, &ring_, ReaderStyle::kServe);
      ADD_FAILURE() << "a flip of byte " << i << " was accepted";
    } catch (const ArtifactLoadError& e) {
      if (i >= 19 && i < 51) {  // the HMAC itself
        EXPECT_EQ(e.stage(), ArtifactLoadStage::kHmac) << i;
      }
    }
  }
}

TEST_F(ArtifactReaderTest, RejectsEveryTruncationWithACatalogueMessage) {
  std::vector<uint8_t> bytes = RealArtifact(ring_.active());
  for (size_t n = 0; n < bytes.size(); ++n) {
    WriteBytes(dir_ / "m.recotem",
               std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n)));
    ArtifactLoadError e = LoadError(dir_ / "m.recotem", caps_, &ring_);
    EXPECT_THAT(e.what(), AnyOf(StartsWith("artifact too short: "),
                                StartsWith("HMAC verification failed for kid 'active'")))
        << "length " << n;
  }
}

TEST_F(ArtifactReaderTest, ResolveArtifactBytesReturnsNonPointersUnchanged) {
  std::vector<uint8_t> bytes = VectorBytes();
  ResolvedArtifact r = ResolveArtifactBytes(bytes, dir_ / "x", caps_, ReaderStyle::kInspect);
  EXPECT_EQ(r.path, dir_ / "x");
  EXPECT_EQ(r.bytes, bytes);
}

}  // namespace
}  // namespace recotem
