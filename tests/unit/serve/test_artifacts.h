// Signed test artifacts written to disk: a TopPop bundle encoded as a
// payload, a header, a container signed with a test key.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "serve_fixtures.h"
#include "test_models.h"
#include "test_support.h"

namespace recotem::serve::testing {

inline const std::string kTestSigningKeys = "k1:" + std::string(64, '1');

inline KeyRing TestRing() { return KeyRing::Parse(kTestSigningKeys); }

inline std::string TopPopHeaderJson(const std::string& recipe,
                                    const std::string& trained_at = "2026-01-02T03:04:05Z") {
  return ::recotem::testing::TopPopHeaderJson(recipe, trained_at);
}

inline std::vector<uint8_t> TopPopArtifactBytes(const SigningKey& key, const std::string& recipe,
                                                const std::string& header_json = "") {
  auto bundle = MakeTopPopBundle(4, 5, {{0, 0}, {1, 0}, {2, 0}, {1, 1}, {2, 1}, {3, 2}});
  std::vector<uint8_t> payload = EncodePayload(bundle);
  return BuildContainer(key, header_json.empty() ? TopPopHeaderJson(recipe) : header_json, payload);
}

inline void WriteBytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Scratch directories are the shared test_support.h TempDir.
using ::recotem::testing::TempDir;

}  // namespace recotem::serve::testing
