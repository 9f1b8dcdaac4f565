#include "recotem/algo/similarity_recommender.h"

#include <stdexcept>
#include <string>

#include "recotem/algo/hyper_params.h"

namespace recotem {

namespace {
constexpr const char* kSimilarityPrefix = "similarity.";
}  // namespace

void SimilarityRecommender::FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) {
  if (options.stop.stop_requested()) throw FitCancelled();
  similarity_ = ComputeSimilarity(user_items, options);
}

void SimilarityRecommender::ScoreUsers(const CsrMatrix& interactions,
                                       std::span<const int32_t> users, std::span<float> out) const {
  similarity_.ScoreRows(interactions, users, out);
}

void SimilarityRecommender::ScoreProfiles(const CsrMatrix& profiles, std::span<float> out) const {
  similarity_.ScoreAllRows(profiles, out);
}

void SimilarityRecommender::Save(TensorMap& out) const {
  SaveHyperParams(params(), out);
  similarity_.Save(out, kSimilarityPrefix);
}

void SimilarityRecommender::Load(const TensorMap& in, int32_t n_items) {
  // Nothing changes unless every tensor is valid.
  ItemSimilarity loaded;
  loaded.Load(in, kSimilarityPrefix, n_items);
  SetParams(LoadHyperParams(in));
  similarity_ = std::move(loaded);
}

}  // namespace recotem
