// Field paths: the loader addresses recipe values by RFC 6901 JSON pointer
// ("/training/split/heldout_ratio") internally and shows them to users in
// the dotted form of the original's messages ("training.split.heldout_ratio",
// list items by index: "training.algorithms.0").
#pragma once

#include <string>
#include <string_view>

namespace recotem {

// The pointer of `key` under `parent` ("" is the document root).
std::string JsonPointerChild(const std::string& parent, std::string_view key);

// "/a/b~1c/0" → "a.b/c.0"; the root pointer "" → "<top level>".
std::string PointerToFieldPath(const std::string& pointer);

}  // namespace recotem
