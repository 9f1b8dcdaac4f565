// Fixtures shared by the artifact unit tests, generated in code (no blobs):
// the worked vector of artifact.md §13, a real signed TopPop artifact, a
// scoped environment variable, a captured log and a temporary directory.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

#include "recotem/algo/top_pop.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/hashing.h"
#include "recotem/core/log.h"
#include "recotem/core/strings.h"

namespace recotem::testing {

// artifact.md §13.
inline const std::string kDevRing = "dev:" + std::string(64, '0');
inline const std::string kVectorHeader = R"({"recipe_name":"demo","best_score":0.5})";
inline const std::vector<uint8_t> kVectorPayload = {0x00, 0x01, 0x02, 0x03};
// The spec's hex dump of the full file, row by row.
inline const std::string kVectorHex =
    "52 45 43 4f 54 45 4d 00 01 00 00 00 03 64 65 76 "
    "a9 8a 45 39 78 1b 3b 4f 7f 9b 37 99 45 5e a3 a4 "
    "c6 ac 30 d8 42 64 27 77 0d 22 4f 81 fb 3d d0 30 "
    "27 00 00 00 7b 22 72 65 63 69 70 65 5f 6e 61 6d "
    "65 22 3a 22 64 65 6d 6f 22 2c 22 62 65 73 74 5f "
    "73 63 6f 72 65 22 3a 30 2e 35 7d 00 01 02 03";

inline std::vector<uint8_t> VectorBytes() { return *HexDecode(kVectorHex); }

inline std::string ToString(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// A safetensors-layout blob written independently of EncodeTensorMap: the
// table text `table` padded with spaces to a multiple of 8, after its u64 LE
// length, followed by `data`.
inline std::vector<uint8_t> SafetensorsBlob(std::string table, const std::vector<uint8_t>& data) {
  while (table.size() % 8 != 0) {
    table += ' ';
  }
  std::vector<uint8_t> out(8);
  uint64_t n = table.size();
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(n >> (8 * i));
  }
  out.insert(out.end(), table.begin(), table.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// The little-endian bytes of `values`.
template <typename T>
std::vector<uint8_t> LeBytes(std::initializer_list<T> values) {
  std::vector<uint8_t> out;
  for (T v : values) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  return out;
}

inline void WriteBytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::vector<uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A small trained TopPop bundle: 3 users × 4 items with non-ASCII ids.
inline ModelBundle SmallTopPopBundle() {
  ModelBundle bundle;
  for (const char* u : {"alice", "bob", "ユーザー3"}) {
    bundle.users.GetOrAdd(u);
  }
  for (const char* i : {"item-1", "item-2", "é-3", ""}) {
    bundle.items.GetOrAdd(i);
  }
  std::vector<int32_t> rows = {0, 0, 1, 2, 2, 2};
  std::vector<int32_t> cols = {0, 1, 1, 1, 2, 3};
  std::vector<float> vals = {1, 1, 2, 1, 1, 0.5f};
  bundle.seen = CsrMatrix::FromTriplets(3, 4, rows, cols, vals);
  auto model = std::make_unique<TopPopRecommender>(HyperParams::object());
  model->Fit(bundle.seen);
  bundle.model = std::move(model);
  return bundle;
}

inline ArtifactHeader SmallHeader() {
  ArtifactHeader h;
  h.recipe_name = "news";
  h.recipe_hash = std::string(64, 'a');
  h.recotem_version = "0.1.0";
  h.irspack_version = "recotem-cpp-0.1.0";
  h.trained_at = "2026-01-02T03:04:05Z";
  h.best_class = TopPopRecommender::kClassName;
  h.best_score = 0.25;
  h.metric = "ndcg";
  h.cutoff = 10;
  h.tuning.tried_algorithms = {"TopPopRecommender"};
  h.tuning.n_trials = 4;
  h.tuning.n_completed = 4;
  h.tuning.search_seed = 42;
  h.data_stats = {6, 3, 4, 0, "keep_last"};
  return h;
}

// A real artifact: SmallTopPopBundle() signed with `key`.
inline std::vector<uint8_t> RealArtifact(const SigningKey& key) {
  std::vector<uint8_t> payload = EncodePayload(SmallTopPopBundle());
  return BuildContainer(key, EncodeHeaderJson(SmallHeader()), payload);
}

inline SigningKey KeyOf(const std::string& kid, uint8_t fill) {
  SigningKey key;
  key.kid = kid;
  key.key.fill(fill);
  return key;
}

}  // namespace recotem::testing
