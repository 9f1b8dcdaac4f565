// What the serve integration tests share: the keys they configure, a small
// signed TopPop artifact and the recipe that points at it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recotem/algo/top_pop.h"
#include "recotem/artifact/artifact_header.h"
#include "recotem/artifact/container.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/artifact/model_bundle.h"

namespace recotem::testing {

inline const std::string kSigningKeys = "prod-1:" + std::string(64, 'a');
inline const std::string kApiKey = "recotem-quickstart-demo-key-0000";
inline const std::string kApiKeys =
    "dev:sha256:21be5c3be85b8d68123df9f9b6a26d8e307db30350ea8bcc844883e22ebcf125";

// The header of a TopPop artifact for `recipe` (metric ndcg, cutoff 10).
inline std::string TopPopHeaderJson(const std::string& recipe, const std::string& trained_at) {
  ArtifactHeader header;
  header.recipe_name = recipe;
  header.best_class = "TopPopRecommender";
  header.trained_at = trained_at;
  header.metric = "ndcg";
  header.cutoff = 10;
  return EncodeHeaderJson(header);
}

// Users u0..u3, items i0..i4; popularity i0=3, i1=2, i2=1, i3=1, i4=0.
inline std::vector<uint8_t> TopPopArtifact(const std::string& recipe,
                                           const std::string& trained_at = "2026-03-04T05:06:07Z") {
  ModelBundle bundle;
  for (int u = 0; u < 4; ++u) bundle.users.GetOrAdd("u" + std::to_string(u));
  for (int i = 0; i < 5; ++i) bundle.items.GetOrAdd("i" + std::to_string(i));
  std::vector<int32_t> rows = {0, 1, 2, 1, 2, 3, 3};
  std::vector<int32_t> cols = {0, 0, 0, 1, 1, 2, 3};
  std::vector<float> vals(rows.size(), 1.0f);
  bundle.seen = CsrMatrix::FromTriplets(4, 5, rows, cols, vals);
  auto model = std::make_unique<TopPopRecommender>(HyperParams::object());
  model->Fit(bundle.seen);
  bundle.model = std::move(model);
  KeyRing ring = KeyRing::Parse(kSigningKeys);
  return BuildContainer(ring.active(), TopPopHeaderJson(recipe, trained_at), EncodePayload(bundle));
}

// A TopPop recipe whose output is `artifact`; `extra` goes into `training:`.
inline std::string RecipeYaml(const std::string& name, const std::string& artifact,
                              const std::string& extra = "") {
  return "name: " + name +
         "\nsource:\n  type: csv\n  path: /nonexistent/data.csv\n"
         "schema:\n  user_column: user\n  item_column: item\n"
         "training:\n  algorithms: [TopPop]\n" +
         extra + "output:\n  path: " + artifact + "\n  versioning: always_overwrite\n";
}

}  // namespace recotem::testing
