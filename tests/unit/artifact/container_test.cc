#include "recotem/artifact/container.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "artifact_test_support.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/core/errors.h"
#include "recotem/core/events.h"

namespace recotem {
namespace {

using ::recotem::testing::kDevRing;
using ::recotem::testing::KeyOf;
using ::recotem::testing::kVectorHeader;
using ::recotem::testing::kVectorPayload;
using ::recotem::testing::LogCapture;
using ::recotem::testing::VectorBytes;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr uint64_t kNoCap = UINT64_MAX;

// The error of parsing and then verifying `bytes` against `ring`, or "" when
// both succeed.
std::string LoadError(const std::vector<uint8_t>& bytes, const KeyRing& ring,
                      uint64_t payload_cap = kNoCap) {
  try {
    ParsedContainer c = ParseContainer(bytes, payload_cap);
    VerifyContainer(c, ring);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "";
}

std::string ParseError(const std::vector<uint8_t>& bytes, uint64_t payload_cap = kNoCap) {
  try {
    ParseContainer(bytes, payload_cap);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "";
}

std::vector<uint8_t> WithHeaderLength(std::vector<uint8_t> bytes, uint32_t n) {
  for (int i = 0; i < 4; ++i) {
    bytes[48 + i] = static_cast<uint8_t>(n >> (8 * i));
  }
  return bytes;
}

TEST(Container, BuildsTheWorkedVectorByteForByte) {
  KeyRing dev = KeyRing::Parse(kDevRing);
  std::vector<uint8_t> built = BuildContainer(dev.active(), kVectorHeader, kVectorPayload);
  EXPECT_EQ(built, VectorBytes());
  EXPECT_EQ(built.size(), 95u);
  EXPECT_EQ(HexEncode(std::span<const uint8_t>(built).subspan(16, 32)),
            "a98a4539781b3b4f7f9b3799455ea3a4c6ac30d8426427770d224f81fb3dd030");
  EXPECT_EQ(Sha256Hex(built), "b16d73fe01643ec2aaf419fbb995b6594dd2e1df396f1faf10683979cc4cf804");
}

TEST(Container, ParsesTheWorkedVector) {
  std::vector<uint8_t> bytes = VectorBytes();
  ParsedContainer c = ParseContainer(bytes, kNoCap);
  EXPECT_EQ(c.kid, "dev");
  EXPECT_EQ(c.header_json, kVectorHeader);
  EXPECT_EQ(std::vector<uint8_t>(c.payload.begin(), c.payload.end()), kVectorPayload);
  EXPECT_EQ(c.payload.data() - bytes.data(), 91);
  EXPECT_EQ(HexEncode(c.hmac), "a98a4539781b3b4f7f9b3799455ea3a4c6ac30d8426427770d224f81fb3dd030");
  EXPECT_EQ(LoadError(bytes, KeyRing::Parse(kDevRing)), "");
}

TEST(Container, RejectsEveryMutationOfTheWorkedVectorTable) {
  KeyRing dev = KeyRing::Parse(kDevRing);
  auto mutated = [](size_t at, std::vector<uint8_t> values) {
    std::vector<uint8_t> b = VectorBytes();
    std::copy(values.begin(), values.end(), b.begin() + static_cast<ptrdiff_t>(at));
    return b;
  };
  auto truncated = [](size_t n) {
    std::vector<uint8_t> b = VectorBytes();
    b.resize(n);
    return b;
  };
  EXPECT_EQ(LoadError(mutated(8, {0, 0}), dev),
            "unsupported format version 0; this build supports up to version 1");
  EXPECT_EQ(LoadError(mutated(8, {2, 0}), dev),
            "unsupported format version 2; this build supports up to version 1");
  EXPECT_EQ(LoadError(mutated(10, {1, 0}), dev), "reserved bytes must be 0, got 1");
  EXPECT_EQ(LoadError(mutated(12, {0}), dev), "kid_len 0 out of range [1, 32]");
  EXPECT_EQ(LoadError(mutated(12, {0x21}), dev), "kid_len 33 out of range [1, 32]");
  EXPECT_EQ(LoadError(truncated(14), dev), "artifact too short: truncated kid bytes");
  EXPECT_EQ(LoadError(truncated(20), dev), "artifact too short: truncated HMAC field");
  EXPECT_EQ(LoadError(truncated(48), dev), "artifact too short: missing header_len field");
  EXPECT_EQ(LoadError(truncated(60), dev), "artifact too short: truncated header JSON");
  EXPECT_EQ(LoadError(WithHeaderLength(VectorBytes(), 70000), dev),
            "header_len 70000 exceeds maximum 65536; refusing allocation");
  EXPECT_EQ(LoadError(VectorBytes(), dev, 3), "payload size 4 exceeds cap 3; refusing to load");
  EXPECT_EQ(LoadError(VectorBytes(), KeyRing::Parse("other:" + std::string(64, '1'))),
            "artifact signed with unknown kid 'dev'; check RECOTEM_SIGNING_KEYS configuration");
  EXPECT_EQ(LoadError(VectorBytes(), KeyRing::Parse("dev:" + std::string(64, '1'))),
            "HMAC verification failed for kid 'dev'; artifact may have been tampered with");
  std::vector<uint8_t> last_dropped = truncated(94);
  EXPECT_EQ(ParseError(last_dropped), "");
  EXPECT_THAT(LoadError(last_dropped, dev), StartsWith("HMAC verification failed for kid 'dev'"));
}

TEST(Container, TruncationAtEveryLengthFailsWithTheFieldItCut) {
  KeyRing dev = KeyRing::Parse(kDevRing);
  std::vector<uint8_t> full = VectorBytes();
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
    std::string expected = n < 8    ? "artifact too short: missing magic bytes"
                           : n < 12 ? "artifact too short: missing version/reserved fields"
                           : n < 13 ? "artifact too short: missing kid_len byte"
                           : n < 16 ? "artifact too short: truncated kid bytes"
                           : n < 48 ? "artifact too short: truncated HMAC field"
                           : n < 52 ? "artifact too short: missing header_len field"
                           : n < 91 ? "artifact too short: truncated header JSON"
                                    : "HMAC verification failed for kid 'dev'";
    EXPECT_THAT(LoadError(cut, dev), StartsWith(expected)) << "length " << n;
  }
}

// Every flip fails at parse or HMAC, except a flip of header_len (bytes
// 48..51), which moves the header/payload boundary inside the signed range
// (see HmacDoesNotAuthenticateTheHeaderPayloadBoundary); the header JSON
// decode that follows the HMAC rejects those.
TEST(Container, FlippingAnyByteOfTheWorkedVectorIsRejected) {
  KeyRing dev = KeyRing::Parse(kDevRing);
  for (size_t i = 0; i < 95; ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::vector<uint8_t> b = VectorBytes();
      b[i] ^= mask;
      std::string error = LoadError(b, dev);
      if (error.empty()) {
        EXPECT_TRUE(i >= 48 && i < 52) << "byte " << i << " mask " << int{mask};
        std::string detail;
        EXPECT_FALSE(DecodeHeaderJson(ParseContainer(b, kNoCap).header_json, &detail))
            << "byte " << i << " mask " << int{mask};
      }
    }
  }
}

TEST(Container, RejectsAWrongMagicShowingTheBytesFound) {
  std::vector<uint8_t> b = VectorBytes();
  b[0] = 'X';
  EXPECT_EQ(ParseError(b), "magic bytes mismatch: expected b'RECOTEM\\x00', got b'XECOTEM\\x00'");
  std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', '\n', 0xFF, '\''};
  EXPECT_EQ(ParseError(text),
            "magic bytes mismatch: expected b'RECOTEM\\x00', got b'hello\\n\\xff\\''");
}

TEST(Container, RejectsHugeHeaderLengthsBeforeAllocating) {
  for (uint32_t n : {65537u, 70000u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    EXPECT_EQ(ParseError(WithHeaderLength(VectorBytes(), n)),
              "header_len " + std::to_string(n) + " exceeds maximum 65536; refusing allocation");
  }
}

TEST(Container, AcceptsTheLargestHeaderAndKid) {
  SigningKey key = KeyOf(std::string(32, 'k'), 7);
  std::string header = "\"" + std::string(65534, 'x') + "\"";
  std::vector<uint8_t> bytes = BuildContainer(key, header, {});
  ParsedContainer c = ParseContainer(bytes, kNoCap);
  EXPECT_EQ(c.kid.size(), 32u);
  EXPECT_EQ(c.header_json.size(), 65536u);
  EXPECT_TRUE(c.payload.empty());
}

TEST(Container, AcceptsTheMinimalFiftyByteFile) {
  std::vector<uint8_t> bytes = BuildContainer(KeyOf("k", 1), "", {});
  EXPECT_EQ(bytes.size(), 50u);
  ParsedContainer c = ParseContainer(bytes, 0);
  EXPECT_EQ(c.kid, "k");
  EXPECT_TRUE(c.header_json.empty());
  EXPECT_TRUE(c.payload.empty());
}

TEST(Container, RejectsKidAndHeaderThatAreNotUtf8) {
  std::vector<uint8_t> bad_kid = VectorBytes();
  bad_kid[13] = 0xFF;
  EXPECT_EQ(ParseError(bad_kid),
            "kid is not valid UTF-8: invalid byte 0xff in sequence at position 0");
  std::vector<uint8_t> bad_header = VectorBytes();
  bad_header[52] = 0xFF;
  bad_header[53] = 0xFE;
  EXPECT_EQ(ParseError(bad_header),
            "header JSON is not valid UTF-8: invalid byte 0xff in sequence at position 0");
  std::vector<uint8_t> overlong = VectorBytes();
  overlong[60] = 0xC0;  // C0 AF: an overlong '/'
  overlong[61] = 0xAF;
  EXPECT_THAT(ParseError(overlong), HasSubstr("position 8"));
}

TEST(Container, PayloadCapIsInclusive) {
  EXPECT_EQ(ParseError(VectorBytes(), 4), "");
  EXPECT_EQ(ParseError(VectorBytes(), 3), "payload size 4 exceeds cap 3; refusing to load");
}

TEST(Container, BuildRoundTripsKidHeaderAndPayload) {
  SigningKey key = KeyOf("prod-2026", 9);
  std::vector<uint8_t> payload = {9, 8, 7, 0, 255};
  std::vector<uint8_t> bytes = BuildContainer(key, R"({"a":"é"})", payload);
  ParsedContainer c = ParseContainer(bytes, kNoCap);
  EXPECT_EQ(c.kid, "prod-2026");
  EXPECT_EQ(c.header_json, R"({"a":"é"})");
  EXPECT_EQ(std::vector<uint8_t>(c.payload.begin(), c.payload.end()), payload);
}

TEST(Container, BuildRejectsKidsOutsideOneToThirtyTwoBytes) {
  EXPECT_THROW(
      {
        try {
          BuildContainer(KeyOf(std::string(33, 'k'), 1), "{}", {});
        } catch (const ArtifactError& e) {
          EXPECT_STREQ(e.what(), "kid_len 33 out of range [1, 32]");
          throw;
        }
      },
      ArtifactError);
  EXPECT_THROW(
      {
        try {
          BuildContainer(KeyOf("", 1), "{}", {});
        } catch (const ArtifactError& e) {
          EXPECT_STREQ(e.what(), "kid_len 0 out of range [1, 32]");
          throw;
        }
      },
      ArtifactError);
}

TEST(Container, BuildRejectsAnOversizedHeader) {
  std::string header(65537, ' ');
  try {
    BuildContainer(KeyOf("k", 1), header, {});
    FAIL() << "accepted a 65537-byte header";
  } catch (const ArtifactError& e) {
    EXPECT_STREQ(e.what(), "header_json length 65537 exceeds maximum 65536");
  }
}

TEST(Container, VerificationFailsForEveryTamperingOfTheSignedRange) {
  SigningKey key = KeyOf("active", 0x42);
  KeyRing ring = KeyRing::Parse("active:" + HexEncode(key.key));
  const std::string header = R"({"recipe_name":"x"})";
  const size_t header_offset = 13 + 6 + 32 + 4;
  std::vector<uint8_t> bytes = BuildContainer(key, header, std::vector<uint8_t>{1, 2, 3, 4, 5});
  EXPECT_EQ(LoadError(bytes, ring), "");

  EXPECT_THAT(LoadError(bytes, KeyRing::Parse("active:" + std::string(64, '5'))),
              StartsWith("HMAC verification failed for kid 'active'"));

  std::vector<uint8_t> payload_changed = bytes;
  payload_changed.back() ^= 1;
  EXPECT_THAT(LoadError(payload_changed, ring), StartsWith("HMAC verification failed"));

  std::vector<uint8_t> header_changed = bytes;
  header_changed[header_offset + 16] = 'y';
  EXPECT_THAT(LoadError(header_changed, ring), StartsWith("HMAC verification failed"));

  // Two bytes spliced into the header, with its length field fixed up.
  std::vector<uint8_t> header_appended = bytes;
  header_appended.insert(header_appended.begin() + static_cast<ptrdiff_t>(header_offset + 1),
                         {' ', ' '});
  header_appended[header_offset - 4] = static_cast<uint8_t>(header.size() + 2);
  EXPECT_EQ(ParseContainer(header_appended, kNoCap).header_json, R"({  "recipe_name":"x"})");
  EXPECT_THAT(LoadError(header_appended, ring), StartsWith("HMAC verification failed"));

  std::vector<uint8_t> bytes_appended = bytes;
  bytes_appended.push_back(0);
  EXPECT_THAT(LoadError(bytes_appended, ring), StartsWith("HMAC verification failed"));
}

TEST(Container, RewritingTheKidToAnotherConfiguredKidFails) {
  KeyRing ring = KeyRing::Parse("aaa:" + std::string(64, '1') + ",bbb:" + std::string(64, '2'));
  std::vector<uint8_t> bytes = BuildContainer(ring.keys()[0], "{}", std::vector<uint8_t>{1});
  std::copy_n("bbb", 3, bytes.begin() + 13);
  EXPECT_EQ(LoadError(bytes, ring),
            "HMAC verification failed for kid 'bbb'; artifact may have been tampered with");
  std::copy_n("ccc", 3, bytes.begin() + 13);
  EXPECT_THAT(LoadError(bytes, ring), StartsWith("artifact signed with unknown kid 'ccc'"));
}

TEST(Container, RotationAcceptsOldKeysOnlyWhileTheyAreInTheRing) {
  KeyRing before = KeyRing::Parse("old:" + std::string(64, '1'));
  KeyRing during = KeyRing::Parse("new:" + std::string(64, '2') + ",old:" + std::string(64, '1'));
  KeyRing after = KeyRing::Parse("new:" + std::string(64, '2'));
  std::vector<uint8_t> old_artifact =
      BuildContainer(before.active(), "{}", std::vector<uint8_t>{1});
  std::vector<uint8_t> new_artifact =
      BuildContainer(during.active(), "{}", std::vector<uint8_t>{1});
  EXPECT_EQ(ParseContainer(new_artifact, kNoCap).kid, "new");
  EXPECT_EQ(LoadError(old_artifact, during), "");
  EXPECT_EQ(LoadError(new_artifact, during), "");
  EXPECT_THAT(LoadError(new_artifact, before), StartsWith("artifact signed with unknown kid"));
  EXPECT_THAT(LoadError(old_artifact, after), StartsWith("artifact signed with unknown kid"));
}

// artifact.md §2 design note: K and N are outside the MAC, so moving the
// header/payload boundary keeps the HMAC valid. Format v1 depends on this;
// the JSON decode that follows is what rejects such a file.
TEST(Container, HmacDoesNotAuthenticateTheHeaderPayloadBoundary) {
  std::vector<uint8_t> moved = WithHeaderLength(VectorBytes(), 38);
  ParsedContainer c = ParseContainer(moved, kNoCap);
  EXPECT_EQ(c.header_json, R"({"recipe_name":"demo","best_score":0.5)");
  EXPECT_EQ(c.payload.size(), 5u);
  EXPECT_NO_THROW(VerifyContainer(c, KeyRing::Parse(kDevRing)));
}

TEST(Container, VerificationLogsTheSanitisedKidOnFailure) {
  LogCapture capture;
  SigningKey evil = KeyOf("\x1b[31m", 3);
  std::vector<uint8_t> bytes = BuildContainer(evil, "{}", {});
  std::string unknown = LoadError(bytes, KeyRing::Parse(kDevRing));
  EXPECT_EQ(unknown,
            "artifact signed with unknown kid '\\x1b\\x5b31m'; check RECOTEM_SIGNING_KEYS "
            "configuration");
  auto kid_unknown = capture.Events(events::kArtifactKidUnknown);
  ASSERT_EQ(kid_unknown.size(), 1u);
  EXPECT_EQ(kid_unknown[0]["kid"], "\\x1b\\x5b31m");
  EXPECT_EQ(kid_unknown[0]["level"], "warning");

  std::string mismatch = LoadError(VectorBytes(), KeyRing::Parse("dev:" + std::string(64, '1')));
  EXPECT_THAT(mismatch, StartsWith("HMAC verification failed for kid 'dev'"));
  auto hmac = capture.Events(events::kArtifactHmacMismatch);
  ASSERT_EQ(hmac.size(), 1u);
  EXPECT_EQ(hmac[0]["kid"], "dev");
}

TEST(Container, ExtractKidForLogReturnsTheSanitisedKidOrTheSentinel) {
  EXPECT_EQ(ExtractKidForLog(VectorBytes()), "dev");
  std::vector<uint8_t> wrong_magic = VectorBytes();
  wrong_magic[0] = 'X';
  EXPECT_EQ(ExtractKidForLog(wrong_magic), "dev");
  std::vector<uint8_t> short_bytes = VectorBytes();
  short_bytes.resize(15);
  EXPECT_EQ(ExtractKidForLog(short_bytes), kUnknownKid);
  short_bytes.resize(12);
  EXPECT_EQ(ExtractKidForLog(short_bytes), kUnknownKid);
  std::vector<uint8_t> bad_utf8 = VectorBytes();
  bad_utf8[14] = 0xC3;
  bad_utf8[15] = 0x28;
  EXPECT_EQ(ExtractKidForLog(bad_utf8), kUnknownKid);
  std::vector<uint8_t> zero_len = VectorBytes();
  zero_len[12] = 0;
  EXPECT_EQ(ExtractKidForLog(zero_len), kUnknownKid);
  std::vector<uint8_t> escaped = BuildContainer(KeyOf("a\tb", 1), "{}", {});
  EXPECT_EQ(ExtractKidForLog(escaped), "a\\x09b");
}

}  // namespace
}  // namespace recotem
