// Loading one recipe's artifact into a ServingModel (artifact.md §6.2):
// capped read → pointer → SHA-256 → structural parse → HMAC → header JSON →
// payload decode. A failure is returned as a value that names its stage, so
// start-up (initial_artifact_* events, §7.4 prefixes) and the watcher
// (artifact_load_failed, metrics reasons) can each report it their way.
//
// Thread-safe: loads of different recipes may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "recotem/artifact/artifact_reader.h"
#include "recotem/artifact/key_ring.h"
#include "recotem/recipe/recipe.h"
#include "recotem/serve/item_metadata.h"
#include "recotem/serve/serving_model.h"

namespace recotem::serve {

enum class LoadStage {
  kRead,         // step 1–2, an ArtifactError (I/O, cap, pointer)
  kReadError,    // step 1–2, any other error
  kParse,        // step 4
  kHmac,         // step 5
  kHeaderJson,   // step 6
  kDeserialize,  // step 8
  kMetadata,     // step 9 (item metadata; joins the load later)
  kUnexpected,   // anything else
};

struct LoadFailure {
  LoadStage stage = LoadStage::kUnexpected;
  std::string kid;      // sanitised for logs (security.md §4), or kUnknownKid
  std::string message;  // the underlying error message, unprefixed
};

// The prefix serve stores before a start-up failure message (artifact.md §7.4),
// e.g. "HMAC verify failed: ".
std::string_view StartupErrorPrefix(LoadStage stage);
// The start-up event of serving.md §8.2 step 12, e.g. initial_artifact_hmac_failed.
std::string_view StartupFailureEvent(LoadStage stage);
// The metrics `reason` label of artifact.md §7.5, e.g. "hmac".
std::string_view FailureReasonLabel(LoadStage stage);
// prefix + message, without doubling a prefix the message already starts
// with ("header JSON decode failed: …").
std::string StartupErrorText(const LoadFailure& failure);

// The local file named by a recipe's output.path: a bare path as is, a
// file:// URI (empty or "localhost" host) by its percent-decoded path.
// nullopt for object-store URIs, which this build cannot read yet.
std::optional<std::string> LocalArtifactPath(std::string_view output_path);

// `kid` as it may appear in a log line: sanitised (security.md §4), with the
// kUnknownKid sentinel passed through unchanged.
std::string KidForLog(std::string_view kid);

using LoadResult = std::variant<std::shared_ptr<const ServingModel>, LoadFailure>;

// Reads, verifies and decodes the artifact at `output_path`. `ring` ==
// nullptr skips HMAC verification (serve --dev-allow-unsigned only). Never
// throws except for std::bad_alloc.
LoadResult LoadServingModel(std::string_view output_path, const ArtifactCaps& caps,
                            const KeyRing* ring);

// A recipe's model together with its item metadata (null when the recipe
// has none): what one registry entry serves.
struct RecipeModel {
  std::shared_ptr<const ServingModel> model;
  std::shared_ptr<const MetadataIndex> metadata;
};
using RecipeLoadResult = std::variant<RecipeModel, LoadFailure>;

// LoadServingModel() for recipe.output.path, then the recipe's item
// metadata (serving.md §6.1); a metadata failure fails the whole load with
// stage kMetadata. `deny_lower` is RECOTEM_METADATA_FIELD_DENY lower-cased.
// Never throws except for std::bad_alloc.
RecipeLoadResult LoadRecipeModel(const Recipe& recipe, const ArtifactCaps& caps,
                                 const KeyRing* ring, const std::vector<std::string>& deny_lower);

}  // namespace recotem::serve
