#include "recotem/serve/model_loader.h"

#include <cctype>
#include <new>
#include <system_error>

#include "recotem/artifact/container.h"
#include "recotem/artifact/model_bundle.h"
#include "recotem/core/events.h"
#include "recotem/core/redaction.h"

namespace recotem::serve {
namespace {

LoadStage StageOf(ArtifactLoadStage stage) {
  switch (stage) {
    case ArtifactLoadStage::kRead:
      return LoadStage::kRead;
    case ArtifactLoadStage::kParse:
      return LoadStage::kParse;
    case ArtifactLoadStage::kHmac:
      return LoadStage::kHmac;
    case ArtifactLoadStage::kHeaderJson:
      return LoadStage::kHeaderJson;
    case ArtifactLoadStage::kDeserialize:
      return LoadStage::kDeserialize;
  }
  return LoadStage::kUnexpected;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view StartupErrorPrefix(LoadStage stage) {
  switch (stage) {
    case LoadStage::kRead:
      return "read failed: ";
    case LoadStage::kReadError:
      return "read error: ";
    case LoadStage::kParse:
      return "parse failed: ";
    case LoadStage::kHmac:
      return "HMAC verify failed: ";
    case LoadStage::kHeaderJson:
      return "header JSON decode failed: ";
    case LoadStage::kDeserialize:
      return "deserialize failed: ";
    case LoadStage::kMetadata:
      return "metadata load failed: ";
    case LoadStage::kUnexpected:
      return "unexpected error: ";
  }
  return "unexpected error: ";
}

std::string_view StartupFailureEvent(LoadStage stage) {
  switch (stage) {
    case LoadStage::kRead:
      return events::kInitialArtifactReadFailed;
    case LoadStage::kReadError:
      return events::kInitialArtifactReadError;
    case LoadStage::kParse:
      return events::kInitialArtifactParseFailed;
    case LoadStage::kHmac:
      return events::kInitialArtifactHmacFailed;
    case LoadStage::kHeaderJson:
      return events::kInitialArtifactHeaderJsonFailed;
    case LoadStage::kDeserialize:
      return events::kInitialArtifactDeserializeFailed;
    case LoadStage::kMetadata:
      return events::kInitialArtifactMetadataFailed;
    case LoadStage::kUnexpected:
      return events::kRecipeNotLoadedAtStartup;
  }
  return events::kRecipeNotLoadedAtStartup;
}

std::string_view FailureReasonLabel(LoadStage stage) {
  switch (stage) {
    case LoadStage::kRead:
    case LoadStage::kReadError:
      return "read";
    case LoadStage::kParse:
      return "parse";
    case LoadStage::kHmac:
      return "hmac";
    case LoadStage::kHeaderJson:
      return "header_json";
    case LoadStage::kDeserialize:
      return "deserialize";
    case LoadStage::kMetadata:
      return "metadata";
    case LoadStage::kUnexpected:
      return "unexpected";
  }
  return "unexpected";
}

std::string StartupErrorText(const LoadFailure& failure) {
  std::string_view prefix = StartupErrorPrefix(failure.stage);
  if (failure.message.starts_with(prefix)) {
    return failure.message;
  }
  return std::string(prefix) + failure.message;
}

std::string KidForLog(std::string_view kid) {
  if (kid == kUnknownKid) {
    return std::string(kid);
  }
  return log::SanitizeKid(kid);
}

std::optional<std::string> LocalArtifactPath(std::string_view output_path) {
  size_t colon = output_path.find("://");
  if (colon == std::string_view::npos) {
    return std::string(output_path);
  }
  std::string scheme;
  for (char c : output_path.substr(0, colon)) {
    scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (scheme != "file") {
    return std::nullopt;
  }
  std::string_view rest = output_path.substr(colon + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (!authority.empty() && authority != "localhost") {
    return std::nullopt;
  }
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  return PercentDecode(rest.substr(slash));
}

LoadResult LoadServingModel(std::string_view output_path, const ArtifactCaps& caps,
                            const KeyRing* ring) {
  std::optional<std::string> local = LocalArtifactPath(output_path);
  if (!local) {
    return LoadFailure{LoadStage::kRead, kUnknownKid,
                       "cannot read artifact '" + std::string(output_path) +
                           "': object-store artifact paths are not supported by this build"};
  }
  std::string kid = kUnknownKid;
  try {
    VerifiedArtifact artifact = ReadVerifiedArtifact(*local, caps, ring, ReaderStyle::kServe);
    kid = KidForLog(artifact.kid);
    std::string best_class;
    if (auto it = artifact.header.find("best_class");
        it != artifact.header.end() && it->is_string()) {
      best_class = it->get<std::string>();
    }
    std::span<const uint8_t> payload(artifact.bytes.data() + artifact.payload_offset,
                                     artifact.bytes.size() - artifact.payload_offset);
    ModelBundle bundle;
    try {
      bundle = DecodePayload(payload, best_class);
    } catch (const ArtifactError& e) {
      return LoadFailure{LoadStage::kDeserialize, kid, e.what()};
    }
    try {
      return std::make_shared<const ServingModel>(std::move(bundle), std::move(artifact.header),
                                                  artifact.kid, std::move(artifact.sha256_hex));
    } catch (const std::invalid_argument& e) {
      return LoadFailure{LoadStage::kDeserialize, kid,
                         std::string("deserialization failed: ") + e.what()};
    }
  } catch (const ArtifactLoadError& e) {
    return LoadFailure{StageOf(e.stage()), e.kid(), e.what()};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::system_error& e) {
    return LoadFailure{LoadStage::kReadError, kid, e.what()};
  } catch (const std::exception& e) {
    return LoadFailure{LoadStage::kUnexpected, kid, e.what()};
  }
}

RecipeLoadResult LoadRecipeModel(const Recipe& recipe, const ArtifactCaps& caps,
                                 const KeyRing* ring, const std::vector<std::string>& deny_lower) {
  LoadResult result = LoadServingModel(recipe.output.path, caps, ring);
  if (auto* failure = std::get_if<LoadFailure>(&result)) {
    return std::move(*failure);
  }
  RecipeModel loaded{std::get<std::shared_ptr<const ServingModel>>(std::move(result)), nullptr};
  if (!recipe.item_metadata) {
    return loaded;
  }
  try {
    loaded.metadata = LoadItemMetadata(*recipe.item_metadata, deny_lower);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return LoadFailure{LoadStage::kMetadata, KidForLog(loaded.model->kid()), e.what()};
  }
  return loaded;
}

}  // namespace recotem::serve
