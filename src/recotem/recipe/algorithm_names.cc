#include "recotem/recipe/algorithm_names.h"

#include <utility>

namespace recotem {
namespace {

struct Alias {
  std::string_view folded;
  std::string_view canonical;
};

// recipe.md §9.1, keys already case-folded (CosineKNN and CosinekNN share one).
constexpr std::array<Alias, 7> kAliases = {{
    {"ials", "IALSRecommender"},
    {"cosineknn", "CosineKNNRecommender"},
    {"toppop", "TopPopRecommender"},
    {"rp3beta", "RP3betaRecommender"},
    {"denseslim", "DenseSLIMRecommender"},
    {"truncatedsvd", "TruncatedSVDRecommender"},
    {"bprfm", "BPRFMRecommender"},
}};

constexpr std::string_view kRecommenderSuffix = "recommender";

// Python's str.casefold() restricted to what can reach an ASCII name: ASCII
// letters, U+212A KELVIN SIGN (→ k) and U+017F LATIN SMALL LETTER LONG S
// (→ s). Any other non-ASCII character folds to something non-ASCII and so
// can never match; it is kept as is.
std::string CaseFold(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c == 0xE2 && i + 2 < name.size() &&
               static_cast<unsigned char>(name[i + 1]) == 0x84 &&
               static_cast<unsigned char>(name[i + 2]) == 0xAA) {
      out.push_back('k');
      i += 2;
    } else if (c == 0xC5 && i + 1 < name.size() &&
               static_cast<unsigned char>(name[i + 1]) == 0xBF) {
      out.push_back('s');
      i += 1;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ResolveAlgorithmName(std::string_view name) {
  std::string folded = CaseFold(name);
  for (const auto& alias : kAliases) {
    if (folded == alias.folded) return std::string(alias.canonical);
  }
  std::string with_suffix = folded + std::string(kRecommenderSuffix);
  for (auto canonical : kCanonicalAlgorithmClasses) {
    std::string canonical_folded = CaseFold(canonical);
    if (folded == canonical_folded || with_suffix == canonical_folded) {
      return std::string(canonical);
    }
  }
  return std::nullopt;
}

}  // namespace recotem
