#include "recotem/algo/item_knn.h"

#include <limits>
#include <string>
#include <vector>

#include "recotem/algo/sparse_product_top_k.h"
#include "recotem/core/strings.h"

namespace recotem {

KnnNeighbourhood KnnNeighbourhood::Read(ParamReader& reader) {
  KnnNeighbourhood n;
  n.top_k = reader.Int("top_k", kKnnDefaultTopK, 1, std::numeric_limits<int32_t>::max());
  n.shrinkage =
      reader.Double("shrinkage", kKnnDefaultShrinkage, 0.0, std::numeric_limits<double>::max());
  return n;
}

void KnnNeighbourhood::Write(HyperParams& out) const {
  out["top_k"] = top_k;
  out["shrinkage"] = shrinkage;
}

KnnWeighting KnnWeighting::Read(ParamReader& reader) {
  KnnWeighting w;
  w.weighting = *ParseFeatureWeighting(
      reader.Choice("feature_weighting", FeatureWeightingName(FeatureWeighting::kNone),
                    {FeatureWeightingName(FeatureWeighting::kNone),
                     FeatureWeightingName(FeatureWeighting::kTfIdf),
                     FeatureWeightingName(FeatureWeighting::kBm25)}));
  w.bm25_k1 = reader.Double("bm25_k1", kDefaultBm25K1, 0.0, std::numeric_limits<double>::max());
  w.bm25_b = reader.Double("bm25_b", kDefaultBm25B, 0.0, 1.0);
  return w;
}

void KnnWeighting::Write(HyperParams& out) const {
  out["feature_weighting"] = FeatureWeightingName(weighting);
  out["bm25_k1"] = bm25_k1;
  out["bm25_b"] = bm25_b;
}

ItemSimilarity ItemKnnRecommender::ComputeSimilarity(const CsrMatrix& user_items,
                                                     const FitOptions& options) const {
  const Settings settings = knn_settings();
  CsrMatrix binary;
  const CsrMatrix* x = &user_items;
  if (settings.binarize) {
    binary = user_items;
    binary.values.assign(binary.values.size(), 1.0f);
    x = &binary;
  }
  const FeatureWeighting weighting =
      settings.binarize ? FeatureWeighting::kNone : settings.weighting.weighting;
  const CsrMatrix item_users = x->Transposed();
  const WeightedCsr consumed = WeightedCsr::Of(item_users);
  const WeightedCsr candidate{
      x, WeightedValues(*x, weighting, settings.weighting.bm25_k1, settings.weighting.bm25_b)};
  std::vector<double> consumed_sq(static_cast<size_t>(x->n_cols), 0.0);
  std::vector<double> candidate_sq(static_cast<size_t>(x->n_cols), 0.0);
  for (size_t k = 0; k < x->indices.size(); ++k) {
    const double v = x->values[k];
    consumed_sq[static_cast<size_t>(x->indices[k])] += v * v;
    candidate_sq[static_cast<size_t>(x->indices[k])] += candidate.values[k] * candidate.values[k];
  }
  auto transform = [&](int32_t i, std::span<const int32_t> candidates, std::span<double> values) {
    SimilarityRow(consumed_sq[static_cast<size_t>(i)], candidates, candidate_sq, values);
  };
  // The product depends on the matrix, the binarisation and the weighting
  // only: the variants and their shrinkage and top_k share it.
  std::string key = std::string("item_knn ") + (settings.binarize ? "binary " : "valued ") +
                    FeatureWeightingName(weighting);
  if (weighting == FeatureWeighting::kBm25) {
    key += " " + ShortestDouble(settings.weighting.bm25_k1) + " " +
           ShortestDouble(settings.weighting.bm25_b);
  }
  return ItemSimilarity(SparseProductTopK(consumed, candidate, settings.neighbourhood.top_k,
                                          /*zero_diagonal=*/true, transform, options.n_threads,
                                          options.stop, {options.product_cache, key}));
}

}  // namespace recotem
