// `recotem inspect` and `recotem keygen` as a user runs them: the real
// binary, real files, exit codes and the exact stdout/stderr texts of
// artifact.md §11–§12 and security.md §9.9. Artifacts are built in the test
// with the artifact library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "process.h"
#include "recotem/algo/top_pop.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/artifact_writer.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/api_key_hash.h"
#include "recotem/core/strings.h"

namespace recotem::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kDevKeys = "dev:" + std::string(64, '0');
const std::map<std::string, std::string> kWithDevKeys = {{"RECOTEM_SIGNING_KEYS", kDevKeys}};
const std::string kVectorHeader = R"({"recipe_name":"demo","best_score":0.5})";
const std::string kVectorOutput =
    "HMAC: OK  (kid='dev')\n"
    "{\n"
    "  \"recipe_name\": \"demo\",\n"
    "  \"best_score\": 0.5\n"
    "}\n";

std::string AsText(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// The worked vector of artifact.md §13, signed with `ring`'s active key.
std::string Signed(const std::string& header, const std::string& ring = kDevKeys,
                   std::vector<uint8_t> payload = {0, 1, 2, 3}) {
  return AsText(BuildContainer(KeyRing::Parse(ring).active(), header, payload));
}

std::string WriteArtifact(const TempDir& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir / name;
  WriteTextFile(path, bytes);
  return path;
}

TEST(Inspect, PrintsTheVerifiedKidAndThePrettyHeaderOfTheWorkedVector) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "demo.recotem", Signed(kVectorHeader));
  ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kVectorOutput);
}

TEST(Inspect, FollowsAnAppendShaPointerAndKeepsHeaderKeysInFileOrder) {
  TempDir dir;
  ModelBundle bundle;
  bundle.users.GetOrAdd("u");
  bundle.items.GetOrAdd("i");
  bundle.seen = CsrMatrix::FromTriplets(1, 1, std::vector<int32_t>{0}, std::vector<int32_t>{0},
                                        std::vector<float>{1});
  bundle.model = std::make_unique<TopPopRecommender>(HyperParams::object());
  bundle.model->Fit(bundle.seen);
  ArtifactHeader header;
  header.recipe_name = "news";
  header.best_class = TopPopRecommender::kClassName;
  header.tuning.tried_algorithms = {"TopPopRecommender"};
  std::vector<uint8_t> bytes = BuildContainer(KeyRing::Parse(kDevKeys).active(),
                                              EncodeHeaderJson(header), EncodePayload(bundle));
  WriteArtifactFile(dir / "out/news.recotem", Versioning::kAppendSha, bytes);
  ProcessResult r = RunRecotem({"inspect", dir / "out/news.recotem"}, kWithDevKeys);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("HMAC: OK  (kid='dev')\n{\n  \"recipe_name\": \"news\",\n"
                                "  \"recipe_hash\": \"\",\n  \"recotem_version\": \"\",\n"));
  EXPECT_THAT(r.out, HasSubstr("  \"tuning\": {\n    \"tried_algorithms\": [\n"
                               "      \"TopPopRecommender\"\n    ],\n"));
  EXPECT_THAT(r.out, HasSubstr("  \"best_params\": {},\n"));
}

TEST(Inspect, AcceptsFileUris) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "demo.recotem", Signed(kVectorHeader));
  for (const std::string& uri : {"file://" + path, "file:" + path, "file://localhost" + path}) {
    ProcessResult r = RunRecotem({"inspect", uri}, kWithDevKeys);
    EXPECT_EQ(r.exit_code, 0) << uri << ": " << r.err;
    EXPECT_EQ(r.out, kVectorOutput) << uri;
  }
}

TEST(Inspect, EscapesNonAsciiHeaderText) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(R"({"recipe_name":"café☃"})"));
  ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "HMAC: OK  (kid='dev')\n{\n  \"recipe_name\": \"caf\\u00e9\\u2603\"\n}\n");
}

TEST(Inspect, RejectsAFlippedByteWithExitFive) {
  TempDir dir;
  std::string bytes = Signed(kVectorHeader);
  bytes[70] ^= 0x01;  // inside the header JSON
  std::string path = WriteArtifact(dir, "m.recotem", bytes);
  ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("HMAC verification failed: HMAC verification failed for kid 'dev'; "
                               "artifact may have been tampered with\n"));
}

TEST(Inspect, RejectsEmptyAndTruncatedFilesWithTheCatalogueMessage) {
  TempDir dir;
  std::string full = Signed(kVectorHeader);
  struct Case {
    size_t length;
    const char* message;
  };
  for (const Case& c : {Case{0, "artifact too short: missing magic bytes"},
                        Case{14, "artifact too short: truncated kid bytes"},
                        Case{20, "artifact too short: truncated HMAC field"},
                        Case{48, "artifact too short: missing header_len field"},
                        Case{60, "artifact too short: truncated header JSON"}}) {
    std::string path = WriteArtifact(dir, "m.recotem", full.substr(0, c.length));
    ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
    EXPECT_EQ(r.exit_code, 5) << c.length;
    EXPECT_THAT(r.err, HasSubstr(std::string("Artifact parse failed: ") + c.message + "\n"))
        << c.length;
  }
  std::string path = WriteArtifact(dir, "m.recotem", full.substr(0, 94));
  ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_THAT(r.err, HasSubstr("HMAC verification failed: HMAC verification failed for kid 'dev'"));
}

TEST(Inspect, RejectsWrongMagicUnknownKidAndCorruptHeadersWithExitFive) {
  TempDir dir;
  std::string wrong_magic = Signed(kVectorHeader);
  wrong_magic[0] = 'X';
  struct Case {
    std::string bytes;
    std::string message;
  };
  std::string bad_utf8 = Signed(kVectorHeader);
  bad_utf8[52] = '\xff';
  for (const Case& c :
       {Case{wrong_magic,
             "Artifact parse failed: magic bytes mismatch: expected b'RECOTEM\\x00', "
             "got b'XECOTEM\\x00'"},
        Case{Signed(kVectorHeader, "other:" + std::string(64, '1')),
             "HMAC verification failed: artifact signed with unknown kid 'other'; check "
             "RECOTEM_SIGNING_KEYS configuration"},
        Case{Signed("{\"recipe_name\":"), "Header JSON parse failed: parse error"},
        Case{Signed("[1,2]"), "Header JSON parse failed: expected a JSON object, got array"},
        Case{bad_utf8, "Artifact parse failed: header JSON is not valid UTF-8"}}) {
    std::string path = WriteArtifact(dir, "m.recotem", c.bytes);
    ProcessResult r = RunRecotem({"inspect", path}, kWithDevKeys);
    EXPECT_EQ(r.exit_code, 5) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_EQ(r.out, "");
  }
}

TEST(Inspect, ReportsAMissingFileAndAPointerToAMissingTarget) {
  TempDir dir;
  ProcessResult missing = RunRecotem({"inspect", dir / "nope.recotem"}, kWithDevKeys);
  EXPECT_EQ(missing.exit_code, 5);
  EXPECT_THAT(missing.err, HasSubstr("Cannot read artifact '" + (dir / "nope.recotem") +
                                     "': No such file or directory\n"));
  WriteTextFile(dir / "p.recotem", "gone.abcdef01.recotem\n");
  ProcessResult dangling = RunRecotem({"inspect", dir / "p.recotem"}, kWithDevKeys);
  EXPECT_EQ(dangling.exit_code, 5);
  EXPECT_THAT(dangling.err, HasSubstr("Artifact parse failed: pointer '" + (dir / "p.recotem") +
                                      "' references missing artifact '" +
                                      (dir / "gone.abcdef01.recotem") + "'\n"));
}

TEST(Inspect, RefusesObjectStoreAndHttpsUrisForNow) {
  ProcessResult s3 = RunRecotem({"inspect", "s3:/bucket/a.recotem"}, kWithDevKeys);
  EXPECT_EQ(s3.exit_code, 5);
  EXPECT_THAT(s3.err, HasSubstr("Cannot open artifact 's3://bucket/a.recotem': the 's3' scheme "
                                "is not supported yet"));
  ProcessResult https = RunRecotem({"inspect", "https://host/a.recotem"}, kWithDevKeys);
  EXPECT_EQ(https.exit_code, 5);
  EXPECT_THAT(https.err, HasSubstr("'https' scheme is not supported yet"));
}

TEST(Inspect, AppliesTheSizeCapsFromTheEnvironment) {
  TempDir dir;
  std::vector<uint8_t> big_payload(1048577, 7);
  std::string path =
      WriteArtifact(dir, "big.recotem", Signed(kVectorHeader, kDevKeys, big_payload));
  std::map<std::string, std::string> payload_cap = kWithDevKeys;
  payload_cap["RECOTEM_MAX_PAYLOAD_BYTES"] = "1048576";
  ProcessResult over_payload = RunRecotem({"inspect", path}, payload_cap);
  EXPECT_EQ(over_payload.exit_code, 5);
  EXPECT_THAT(over_payload.err, HasSubstr("Artifact parse failed: payload size 1048577 exceeds "
                                          "cap 1048576; refusing to load\n"));
  std::map<std::string, std::string> both_caps = payload_cap;
  both_caps["RECOTEM_MAX_ARTIFACT_BYTES"] = "1048576";
  ProcessResult over_read = RunRecotem({"inspect", path}, both_caps);
  EXPECT_EQ(over_read.exit_code, 5);
  EXPECT_THAT(over_read.err, HasSubstr("Artifact parse failed: artifact size 1048577 exceeds cap "
                                       "1048576; refusing to load\n"));
}

TEST(Inspect, ExitsEightOnInconsistentCaps) {
  std::map<std::string, std::string> env = kWithDevKeys;
  env["RECOTEM_MAX_ARTIFACT_BYTES"] = "2000000";
  env["RECOTEM_MAX_PAYLOAD_BYTES"] = "3000000";
  ProcessResult r = RunRecotem({"inspect", "/does/not/matter.recotem"}, env);
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_THAT(r.err, HasSubstr("Configuration error: RECOTEM_MAX_PAYLOAD_BYTES (3000000) must be "
                               "<= RECOTEM_MAX_ARTIFACT_BYTES (2000000)"));
}

TEST(Inspect, ExitsEightWhenNoKeysAreConfigured) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(kVectorHeader));
  ProcessResult r = RunRecotem({"inspect", path});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err,
              HasSubstr("Cannot verify artifact (kid='dev'): RECOTEM_SIGNING_KEYS is not set and "
                        "--dev-allow-unsigned was not passed.\n"
                        "  - Set RECOTEM_SIGNING_KEYS=<kid>:<hex64> to verify the HMAC, or\n"
                        "  - Pass --dev-allow-unsigned with RECOTEM_ENV=development to skip "
                        "verification in a development environment.\n"));
  ProcessResult blank = RunRecotem({"inspect", path}, {{"RECOTEM_SIGNING_KEYS", "  "}});
  EXPECT_EQ(blank.exit_code, 8);
}

TEST(Inspect, ReportsACorruptFileBeforeMissingKeys) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", "not an artifact at all, just text....");
  ProcessResult r = RunRecotem({"inspect", path});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_THAT(r.err, HasSubstr("Artifact parse failed: magic bytes mismatch"));
}

TEST(Inspect, RejectsMalformedKeysWithExitFiveWithoutEchoingThem) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(kVectorHeader));
  std::string secret(64, 'c');
  ProcessResult r = RunRecotem({"inspect", path}, {{"RECOTEM_SIGNING_KEYS", secret}});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_THAT(r.err, HasSubstr("HMAC verification failed: malformed KeyRing entry #1: expected "
                               "'<kid>:<hex64>'\n"));
  EXPECT_THAT(r.err, Not(HasSubstr("cccccccc")));
}

TEST(Inspect, DevFlagIsRefusedOutsideDevelopmentBeforeAnyIo) {
  for (const char* env_value : {"", "production", "dev", "test"}) {
    std::map<std::string, std::string> env;
    if (*env_value != '\0') {
      env["RECOTEM_ENV"] = env_value;
    }
    ProcessResult r =
        RunRecotem({"inspect", "/nonexistent/file.recotem", "--dev-allow-unsigned"}, env);
    EXPECT_EQ(r.exit_code, 8) << env_value;
    EXPECT_THAT(r.err, HasSubstr(std::string("--dev-allow-unsigned requires "
                                             "RECOTEM_ENV=development. Current RECOTEM_ENV='") +
                                 env_value + "'.\n"));
  }
}

TEST(Inspect, DevFlagVerifiesAgainstTheDevKeyInDevelopment) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(kVectorHeader));
  ProcessResult r =
      RunRecotem({"inspect", path, "--dev-allow-unsigned"}, {{"RECOTEM_ENV", " Development "}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kVectorOutput);
  std::string other =
      WriteArtifact(dir, "o.recotem", Signed(kVectorHeader, "prod:" + std::string(64, '9')));
  ProcessResult rejected =
      RunRecotem({"inspect", other, "--dev-allow-unsigned"}, {{"RECOTEM_ENV", "development"}});
  EXPECT_EQ(rejected.exit_code, 5);
  EXPECT_THAT(rejected.err, HasSubstr("artifact signed with unknown kid 'prod'"));
}

TEST(Inspect, DevFlagIsIgnoredWithAWarningWhenKeysAreSet) {
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(kVectorHeader));
  ProcessResult r = RunRecotem(
      {"inspect", path, "--dev-allow-unsigned"},
      {{"RECOTEM_ENV", "development"}, {"RECOTEM_SIGNING_KEYS", "dev:" + std::string(64, '1')}});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_THAT(r.err, HasSubstr("\"event\":\"dev_allow_unsigned_ignored\""));
  EXPECT_THAT(r.err, HasSubstr("HMAC verification failed for kid 'dev'"));
}

TEST(Inspect, HelpDescribesTheCommand) {
  ProcessResult r = RunRecotem({"inspect", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--dev-allow-unsigned"));
  EXPECT_THAT(r.out, HasSubstr("RECOTEM_SIGNING_KEYS"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes"));
}

std::map<std::string, std::string> ParseKeygen(const std::string& out) {
  std::map<std::string, std::string> values;
  std::vector<std::string> lines = Split(out, '\n');
  EXPECT_EQ(lines.size(), 5u) << out;  // four lines and the final newline
  EXPECT_EQ(lines.back(), "");
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    size_t eq = lines[i].find('=');
    EXPECT_NE(eq, std::string::npos) << lines[i];
    values[lines[i].substr(0, eq)] = lines[i].substr(eq + 1);
  }
  return values;
}

TEST(Keygen, PrintsASigningKeyInFourLines) {
  ProcessResult r = RunRecotem({"keygen"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(std::regex_match(
      r.out, std::regex("kid=[0-9a-f]{8}\n"
                        "plaintext=[0-9a-f]{64}\n"
                        "fingerprint=[0-9a-f]{8}  # matches /security.posture log; NOT for config\n"
                        "env_entry=RECOTEM_SIGNING_KEYS=[0-9a-f]{8}:[0-9a-f]{64}\n")))
      << r.out;
  std::map<std::string, std::string> v = ParseKeygen(r.out);
  std::vector<uint8_t> key = *HexDecode(v["plaintext"]);
  std::array<uint8_t, 32> raw{};
  std::copy(key.begin(), key.end(), raw.begin());
  EXPECT_EQ(v["fingerprint"].substr(0, 8), KeyRing::Fingerprint(raw));
  EXPECT_EQ(v["env_entry"], "RECOTEM_SIGNING_KEYS=" + v["kid"] + ":" + v["plaintext"]);
}

TEST(Keygen, SigningKeysAreRandomAndAcceptedByTheVerifier) {
  ProcessResult a = RunRecotem({"keygen", "--type", "signing", "--kid", "prod-2026"});
  ProcessResult b = RunRecotem({"keygen", "--type", "signing", "--kid", "prod-2026"});
  ASSERT_EQ(a.exit_code, 0);
  std::map<std::string, std::string> va = ParseKeygen(a.out);
  EXPECT_EQ(va["kid"], "prod-2026");
  EXPECT_NE(va["plaintext"], ParseKeygen(b.out)["plaintext"]);

  std::string ring = va["env_entry"].substr(std::string("RECOTEM_SIGNING_KEYS=").size());
  TempDir dir;
  std::string path = WriteArtifact(dir, "m.recotem", Signed(kVectorHeader, ring));
  ProcessResult r = RunRecotem({"inspect", path}, {{"RECOTEM_SIGNING_KEYS", ring}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("HMAC: OK  (kid='prod-2026')\n"));
}

TEST(Keygen, PrintsAnApiKeyWithItsScryptHash) {
  ProcessResult r = RunRecotem({"keygen", "--type", "api", "--kid", "client-a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("kid=client-a\n"
                                                 "plaintext=[A-Za-z0-9_-]{43}\n"
                                                 "hash=sha256:[0-9a-f]{64}\n"
                                                 "env_entry=RECOTEM_API_KEYS=client-a:sha256:"
                                                 "[0-9a-f]{64}\n")))
      << r.out;
  std::map<std::string, std::string> v = ParseKeygen(r.out);
  EXPECT_EQ(v["hash"], "sha256:" + ApiKeyHash(v["plaintext"]));
  EXPECT_EQ(v["env_entry"], "RECOTEM_API_KEYS=client-a:" + v["hash"]);
}

TEST(Keygen, RefusesAnUnknownTypeWithExitEight) {
  ProcessResult r = RunRecotem({"keygen", "--type", "rsa"});
  EXPECT_EQ(r.exit_code, 8);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "--type must be 'signing' or 'api', got 'rsa'.\n");
}

TEST(Keygen, HelpNamesBothTypes) {
  ProcessResult r = RunRecotem({"keygen", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--type"));
  EXPECT_THAT(r.out, HasSubstr("--kid"));
  EXPECT_THAT(r.out, HasSubstr("api"));
}

}  // namespace
}  // namespace recotem::testing
