// Signed test artifacts written to disk: a TopPop bundle encoded as a
// payload, a header, a container signed with a test key.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "test_models.h"

namespace recotem::serve::testing {

inline const std::string kTestSigningKeys = "k1:" + std::string(64, '1');

inline KeyRing TestRing() { return KeyRing::Parse(kTestSigningKeys); }

inline std::string TopPopHeaderJson(const std::string& recipe) {
  ArtifactHeader header;
  header.recipe_name = recipe;
  header.best_class = "TopPopRecommender";
  header.trained_at = "2026-01-02T03:04:05Z";
  header.metric = "ndcg";
  header.cutoff = 10;
  return EncodeHeaderJson(header);
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

// A fresh directory under the system temp dir, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "recotem-serve-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace recotem::serve::testing
