#include "recotem/serve/model_loader.h"

#include <gtest/gtest.h>

#include "log_capture.h"
#include "recotem/artifact/artifact_writer.h"
#include "test_artifacts.h"

namespace recotem::serve {
namespace {

class ModelLoaderTest : public ::testing::Test {
 protected:
  LoadFailure Fail(const std::filesystem::path& path, const KeyRing* ring) {
    LoadResult result = LoadServingModel(path.string(), caps_, ring);
    EXPECT_TRUE(std::holds_alternative<LoadFailure>(result));
    return std::holds_alternative<LoadFailure>(result) ? std::get<LoadFailure>(result)
                                                       : LoadFailure{};
  }

  testing::LogCapture logs_;
  testing::TempDir dir_;
  KeyRing ring_ = testing::TestRing();
  ArtifactCaps caps_;
};

TEST_F(ModelLoaderTest, LoadsASignedArtifactIntoAServingModel) {
  auto path = dir_ / "news.recotem";
  testing::WriteBytes(path, testing::TopPopArtifactBytes(ring_.active(), "news"));
  LoadResult result = LoadServingModel(path.string(), caps_, &ring_);
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const ServingModel>>(result));
  const auto& model = std::get<std::shared_ptr<const ServingModel>>(result);
  EXPECT_EQ(model->kid(), "k1");
  EXPECT_EQ(model->HeaderString("recipe_name"), "news");
  EXPECT_EQ(model->sha256_hex().size(), 64u);
  auto top = model->RecommendForUser("u3", 1);
  ASSERT_TRUE(top);
  EXPECT_EQ(model->ItemId((*top)[0].index), "i0");
}

TEST_F(ModelLoaderTest, FollowsAnAppendShaPointer) {
  auto pointer = dir_ / "news.recotem";
  WriteArtifactFile(pointer, Versioning::kAppendSha,
                    testing::TopPopArtifactBytes(ring_.active(), "news"));
  LoadResult result = LoadServingModel("file://" + pointer.string(), caps_, &ring_);
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<const ServingModel>>(result));
}

TEST_F(ModelLoaderTest, MissingFileIsAReadFailure) {
  LoadFailure f = Fail(dir_ / "absent.recotem", &ring_);
  EXPECT_EQ(f.stage, LoadStage::kRead);
  EXPECT_EQ(f.kid, "<unknown>");
  EXPECT_EQ(f.message.rfind("cannot read artifact '", 0), 0u) << f.message;
  EXPECT_EQ(StartupErrorText(f).rfind("read failed: cannot read artifact", 0), 0u);
  EXPECT_EQ(StartupFailureEvent(f.stage), "initial_artifact_read_failed");
}

TEST_F(ModelLoaderTest, WrongMagicIsAParseFailure) {
  auto path = dir_ / "bad.recotem";
  auto bytes = testing::TopPopArtifactBytes(ring_.active(), "news");
  bytes[0] = 'X';
  testing::WriteBytes(path, bytes);
  LoadFailure f = Fail(path, &ring_);
  EXPECT_EQ(f.stage, LoadStage::kParse);
  EXPECT_EQ(f.kid, "k1");  // full-length file: the kid is still readable
  EXPECT_EQ(StartupErrorText(f).rfind("parse failed: magic bytes mismatch", 0), 0u);
  EXPECT_EQ(FailureReasonLabel(f.stage), "parse");
}

TEST_F(ModelLoaderTest, AFlippedPayloadByteFailsTheHmac) {
  auto path = dir_ / "tampered.recotem";
  auto bytes = testing::TopPopArtifactBytes(ring_.active(), "news");
  bytes.back() ^= 0x01;
  testing::WriteBytes(path, bytes);
  LoadFailure f = Fail(path, &ring_);
  EXPECT_EQ(f.stage, LoadStage::kHmac);
  EXPECT_EQ(StartupErrorText(f).rfind("HMAC verify failed: HMAC verification failed for kid", 0),
            0u);
  EXPECT_EQ(StartupFailureEvent(f.stage), "initial_artifact_hmac_failed");
}

TEST_F(ModelLoaderTest, AnUnknownKidFailsTheHmacStage) {
  KeyRing other = KeyRing::Parse("other:" + std::string(64, '2'));
  auto path = dir_ / "other.recotem";
  testing::WriteBytes(path, testing::TopPopArtifactBytes(other.active(), "news"));
  LoadFailure f = Fail(path, &ring_);
  EXPECT_EQ(f.stage, LoadStage::kHmac);
  EXPECT_EQ(f.kid, "other");
  EXPECT_NE(f.message.find("unknown kid"), std::string::npos);
}

TEST_F(ModelLoaderTest, ASignedButInvalidHeaderIsAHeaderJsonFailureWithoutADoublePrefix) {
  auto path = dir_ / "header.recotem";
  testing::WriteBytes(path, testing::TopPopArtifactBytes(ring_.active(), "news", "[1,2]"));
  LoadFailure f = Fail(path, &ring_);
  EXPECT_EQ(f.stage, LoadStage::kHeaderJson);
  std::string text = StartupErrorText(f);
  EXPECT_EQ(text.rfind("header JSON decode failed: ", 0), 0u);
  EXPECT_EQ(text.find("header JSON decode failed", 5), std::string::npos) << text;
}

TEST_F(ModelLoaderTest, AGarbagePayloadIsADeserializeFailure) {
  auto path = dir_ / "payload.recotem";
  std::vector<uint8_t> garbage(64, 0x7f);
  testing::WriteBytes(path,
                      BuildContainer(ring_.active(), testing::TopPopHeaderJson("news"), garbage));
  LoadFailure f = Fail(path, &ring_);
  EXPECT_EQ(f.stage, LoadStage::kDeserialize);
  EXPECT_EQ(StartupErrorText(f).rfind("deserialize failed: deserialization failed", 0), 0u);
  EXPECT_EQ(StartupFailureEvent(f.stage), "initial_artifact_deserialize_failed");
}

TEST_F(ModelLoaderTest, WithoutARingTheHmacIsSkipped) {
  KeyRing other = KeyRing::Parse("anything:" + std::string(64, '3'));
  auto path = dir_ / "unsigned.recotem";
  testing::WriteBytes(path, testing::TopPopArtifactBytes(other.active(), "news"));
  LoadResult result = LoadServingModel(path.string(), caps_, nullptr);
  EXPECT_TRUE(std::holds_alternative<std::shared_ptr<const ServingModel>>(result));
}

TEST_F(ModelLoaderTest, ObjectStorePathsAreReadFailuresInThisBuild) {
  LoadResult result = LoadServingModel("s3://bucket/a.recotem", caps_, &ring_);
  ASSERT_TRUE(std::holds_alternative<LoadFailure>(result));
  EXPECT_EQ(std::get<LoadFailure>(result).stage, LoadStage::kRead);
}

TEST(LocalArtifactPath, MapsBarePathsAndLocalFileUris) {
  EXPECT_EQ(LocalArtifactPath("/a/b.recotem"), "/a/b.recotem");
  EXPECT_EQ(LocalArtifactPath("rel/b.recotem"), "rel/b.recotem");
  EXPECT_EQ(LocalArtifactPath("file:///a/my%20b.recotem"), "/a/my b.recotem");
  EXPECT_EQ(LocalArtifactPath("file://localhost/a/b"), "/a/b");
  EXPECT_EQ(LocalArtifactPath("file://host/a/b"), std::nullopt);
  EXPECT_EQ(LocalArtifactPath("gs://bucket/a"), std::nullopt);
}

}  // namespace
}  // namespace recotem::serve
