// The frozen algorithm names of recipe.md §9.1: seven canonical classes and
// their aliases, resolved case-insensitively. The recipe layer owns this
// table (it validates per_algorithm_trials keys at load, §9.3) and does not
// depend on which algorithms the algo layer has registered.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace recotem {

// The canonical class names, in the order of recipe.md's table.
inline constexpr std::array<std::string_view, 7> kCanonicalAlgorithmClasses = {
    "IALSRecommender",      "CosineKNNRecommender",    "TopPopRecommender", "RP3betaRecommender",
    "DenseSLIMRecommender", "TruncatedSVDRecommender", "BPRFMRecommender"};

// Resolves `name` (Unicode case folding, e.g. "ials", "IalsRecommender",
// "rp3BETA", "CosinekNN") to its canonical class: alias table first, then
// the canonical names, then name + "Recommender". nullopt when unknown
// ("cosine_knn", "EASE", "P3alpha").
std::optional<std::string> ResolveAlgorithmName(std::string_view name);

}  // namespace recotem
