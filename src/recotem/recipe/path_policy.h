// Path rules for recipe locations (recipe.md §12): per-field scheme
// allow-lists, no fsspec `::` chaining on inputs, no credentials embedded in
// URIs, a sha256 pin for http(s) inputs, and containment of local outputs
// under RECOTEM_ARTIFACT_ROOT after resolving symlinks. Every violation is a
// RecipeError of category security (exit 2) naming the field; a missing
// output parent under an artifact root is category unknown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace recotem {

// The parts of a location string, split the way Python's urlparse does
// (§12.1): a scheme only when the text before the first ':' starts with an
// ASCII letter and has only letters, digits, '+', '-', '.'; an authority
// only after "//".
struct ParsedLocation {
  std::string scheme;         // lower-cased; empty for a bare path
  std::string netloc;         // between "//" and the next '/', '?' or '#'
  std::string path;           // the path component (file URIs: not yet decoded)
  bool has_username = false;  // non-empty user name in the authority
  bool has_password = false;  // non-empty password in the authority
  std::string hostname;       // lower-cased host of the authority
};
ParsedLocation ParseLocation(std::string_view location);

// source.path / item_metadata.path: no `::`, no embedded credentials, scheme
// in {"", file, s3, gs, az, abfs, abfss, http, https}. `field` names the
// field in the message ("source.path").
void CheckInputPath(std::string_view field, std::string_view location);

// output.path: no embedded credentials, scheme in {"", file, s3, gs, az,
// abfs, abfss}, file:// only with an empty or "localhost" host.
void CheckOutputPath(std::string_view location);

// True for http:// and https:// locations (these need a sha256 pin).
bool IsHttpLocation(std::string_view location);

// The local file-system path of `location` when it is a bare path or a
// file:// URI (percent-decoded), else nullopt.
std::optional<std::string> LocalPathOf(std::string_view location);

// §12.5 at load time: when RECOTEM_ARTIFACT_ROOT is set and non-empty and
// output.path is local, the output's parent must exist (else category
// unknown, "create it before running training") and, resolved, lie within
// the resolved root together with the final component (else security).
void CheckArtifactRootContainment(std::string_view output_location);

}  // namespace recotem
