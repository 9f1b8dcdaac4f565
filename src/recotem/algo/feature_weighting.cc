#include "recotem/algo/feature_weighting.h"

#include <cmath>

namespace recotem {

const char* FeatureWeightingName(FeatureWeighting weighting) {
  switch (weighting) {
    case FeatureWeighting::kNone:
      return "NONE";
    case FeatureWeighting::kTfIdf:
      return "TF_IDF";
    case FeatureWeighting::kBm25:
      return "BM_25";
  }
  return "NONE";
}

std::optional<FeatureWeighting> ParseFeatureWeighting(std::string_view name) {
  for (FeatureWeighting w :
       {FeatureWeighting::kNone, FeatureWeighting::kTfIdf, FeatureWeighting::kBm25}) {
    if (name == FeatureWeightingName(w)) return w;
  }
  return std::nullopt;
}

std::vector<double> WeightedValues(const CsrMatrix& x, FeatureWeighting weighting, double bm25_k1,
                                   double bm25_b) {
  std::vector<double> out(x.values.begin(), x.values.end());
  if (weighting == FeatureWeighting::kNone) return out;
  const auto n_docs = static_cast<double>(x.n_rows);
  std::vector<double> df(static_cast<size_t>(x.n_cols), 0.0);
  for (int32_t item : x.indices) df[static_cast<size_t>(item)] += 1.0;
  std::vector<double> idf(df.size());
  for (size_t i = 0; i < df.size(); ++i) {
    idf[i] = weighting == FeatureWeighting::kTfIdf ? std::log(n_docs / (df[i] + 1.0))
                                                   : std::log(n_docs / (df[i] + 1.0) + 1.0);
  }
  if (weighting == FeatureWeighting::kTfIdf) {
    for (size_t k = 0; k < out.size(); ++k) out[k] *= idf[static_cast<size_t>(x.indices[k])];
    return out;
  }
  std::vector<double> doc_length(static_cast<size_t>(x.n_rows), 0.0);
  double total_length = 0;
  for (int32_t u = 0; u < x.n_rows; ++u) {
    for (float v : x.RowValues(u)) doc_length[u] += v;
    total_length += doc_length[u];
  }
  const double avg_length = n_docs > 0 ? total_length / n_docs : 0.0;
  for (int32_t u = 0; u < x.n_rows; ++u) {
    const double length_ratio = avg_length > 0 ? doc_length[u] / avg_length : 0.0;
    const double norm = bm25_k1 * (1.0 - bm25_b + bm25_b * length_ratio);
    for (int64_t k = x.indptr[u]; k < x.indptr[u + 1]; ++k) {
      const double tf = x.values[k];
      out[k] = idf[static_cast<size_t>(x.indices[k])] * tf * (bm25_k1 + 1.0) / (tf + norm);
    }
  }
  return out;
}

}  // namespace recotem
