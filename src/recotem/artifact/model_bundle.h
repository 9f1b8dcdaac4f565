// ModelBundle: everything a payload holds — the user and item id maps, the
// seen-items matrix (users × items, as trained on) and the fitted model.
// Train builds one and encodes it; serve decodes it into a ServingModel.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/algo/recommender.h"
#include "recotem/core/csr_matrix.h"
#include "recotem/core/id_map.h"

namespace recotem {

struct ModelBundle {
  IdMap users;
  IdMap items;
  CsrMatrix seen;  // users.size() × items.size()
  std::unique_ptr<Recommender> model;
};

std::vector<uint8_t> EncodePayload(const ModelBundle& bundle);

// Decodes a payload whose header names `best_class`. Throws ArtifactError:
// "class not allowed: <class>; …" when the class is not in `registry`, and
// "deserialization failed: <detail>" for any malformed content (missing
// tensors, wrong dtype/shape/length, ids that are not valid UTF-8 or are
// duplicated, an invalid CSR, a class mismatch with the payload metadata).
ModelBundle DecodePayload(std::span<const uint8_t> payload, std::string_view best_class,
                          const AlgorithmRegistry& registry = AlgorithmRegistry::Default());

}  // namespace recotem
