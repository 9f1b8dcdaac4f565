// ScoreUserFactors: the scoring step every factor model shares (IALS,
// TruncatedSVD, BPRFM): out = U[users] · Vᵀ for row-major user factors U
// (n_users × k) and item factors V (n_items × k).
//
// Up to kExactScoreBatchUsers users (recommender.h) — what serve asks for, one request or a
// batch of them — are scored straight from V, and each user's scores are
// bit-identical whichever other users share the call (a response never
// depends on the requests it was batched with). More users (the evaluator's
// blocks) are one matrix product, which repacks V once for the whole block
// and may round the last bit differently.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace recotem {

struct FactorModelView {
  std::string_view name;  // prefixes the std::invalid_argument messages
  std::span<const float> user_factors;
  std::span<const float> item_factors;
  int32_t n_users = 0;
  int32_t n_items = 0;
  int64_t k = 0;
};

// Writes users.size() × n_items scores, row-major, into `out`. Throws
// std::invalid_argument for a buffer of the wrong size or an unknown user.
void ScoreUserFactors(const FactorModelView& model, std::span<const int32_t> users,
                      std::span<float> out);

}  // namespace recotem
