// ServingModel: one loaded artifact ready to answer requests — the decoded
// ModelBundle (id maps, seen-items CSR, fitted Recommender) plus the header,
// the signing kid and the SHA-256 of the artifact bytes. Immutable once
// built and shared between requests through shared_ptr<const ServingModel>;
// an in-flight request keeps the model it started with alive across swaps.
//
// Thread-safety: all const methods may be called concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "recotem/algo/top_k.h"
#include "recotem/artifact/model_bundle.h"

namespace recotem::serve {

class ServingModel {
 public:
  // Takes ownership of `bundle`. Throws std::invalid_argument when the
  // bundle is inconsistent (no model, or id maps / seen matrix / model item
  // count disagree), so a bad payload can never reach a request.
  ServingModel(ModelBundle bundle, nlohmann::ordered_json header, std::string kid,
               std::string sha256_hex);
  ServingModel(const ServingModel&) = delete;
  ServingModel& operator=(const ServingModel&) = delete;

  // serving.md §5.1: the top `k` items for a known user — the user's score
  // row, items seen in training set to −∞, ranked by SelectTopK (algo/
  // top_k.h: descending, ties by lower item index), non-finite scores
  // (seen items, NaN, ±∞) never returned. nullopt when `user_id` (exact
  // match) was not in the training data. The result may be shorter than `k`.
  std::optional<std::vector<ScoredIndex<float>>> RecommendForUser(std::string_view user_id,
                                                                  size_t k) const;

  // RecommendForUser for several users at once (serve's batch of the
  // requests that arrived together): the model scores up to
  // kExactScoreBatchUsers known users per pass, and element i is exactly
  // what RecommendForUser(queries[i]) returns.
  struct UserQuery {
    std::string_view user_id;
    size_t k = 0;
  };
  std::vector<std::optional<std::vector<ScoredIndex<float>>>> RecommendForUsers(
      std::span<const UserQuery> queries) const;

  // serving.md §5.2: the top `k` items for a cold-start profile of 1.0 at
  // every known seed (duplicates sum), scored by Recommender::ScoreProfiles,
  // seeds themselves and non-finite scores excluded. nullopt when no seed is
  // in the item map. The result may be empty or shorter than `k`.
  std::optional<std::vector<ScoredIndex<float>>> RecommendRelated(
      const std::vector<std::string>& seed_item_ids, size_t k) const;

  bool HasUser(std::string_view user_id) const { return bundle_.users.Find(user_id).has_value(); }
  const std::string& ItemId(int32_t index) const { return bundle_.items.IdAt(index); }
  int32_t n_users() const { return bundle_.users.size(); }
  int32_t n_items() const { return bundle_.items.size(); }

  const nlohmann::ordered_json& header() const { return header_; }
  const std::string& kid() const { return kid_; }
  const std::string& sha256_hex() const { return sha256_hex_; }
  // A string field of the header, or nullopt when absent or not a string.
  std::optional<std::string> HeaderString(std::string_view key) const;

 private:
  // Scores the known users `rows` into `out` (rows.size() × n_items): a
  // factor model through panels_, any other through ScoreUsers.
  void ScoreRows(std::span<const int32_t> rows, std::span<float> out) const;

  ModelBundle bundle_;
  // A factor model's item factors laid out for batched scoring (one more
  // copy of them), built once at load; empty for other models.
  std::optional<ItemPanels> panels_;
  nlohmann::ordered_json header_;
  std::string kid_;
  std::string sha256_hex_;
};

}  // namespace recotem::serve
