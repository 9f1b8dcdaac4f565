#include "recotem/algo/factor_scoring.h"

#include <Eigen/Core>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "recotem/algo/multiversion.h"
#include "recotem/algo/recommender.h"
#include "recotem/algo/vec16.h"

namespace recotem {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Panels of 16 items for ItemPanels: item p·16 + l's factor j at
// panels[(p·k + j)·16 + l].
constexpr int64_t kPanelItems = 16;

// acc[u·P + q] = Σ_j users[u][j] · panel (p0 + q)[j], the j in order, one
// fused multiply-add each; stored to outs[u] for the items that exist.
template <int U, int P>
inline void ScorePanelTile(const float* panels, int64_t k, int32_t n_items,
                           const float* const* users, int64_t p0, float* const* outs) {
  Vec16 acc[U * P];
  for (auto& a : acc) a = Vec16{};
  const float* base = panels + p0 * k * kPanelItems;
  for (int64_t j = 0; j < k; ++j) {
    Vec16 column[P];
    for (int q = 0; q < P; ++q) column[q] = Lanes(base + (q * k + j) * kPanelItems);
    for (int u = 0; u < U; ++u) {
      const Vec16 w = users[u][j] - Vec16{};  // broadcast (x − 0 is x)
      for (int q = 0; q < P; ++q) acc[u * P + q] += column[q] * w;
    }
  }
  for (int u = 0; u < U; ++u) {
    for (int q = 0; q < P; ++q) {
      const int64_t item = (p0 + q) * kPanelItems;
      if (item + kPanelItems <= n_items) {
        Lanes(outs[u] + item) = acc[u * P + q];
        continue;
      }
      alignas(kCacheLineBytes) float last[kPanelItems];
      Lanes(last) = acc[u * P + q];
      std::copy(last, last + (n_items - item), outs[u] + item);
    }
  }
}

// U users over every panel, P panels at a time (U·P ≤ 16 accumulators).
template <int U, int P>
inline void ScorePanelUsers(const float* panels, int64_t n_panels, int64_t k, int32_t n_items,
                            const float* const* users, float* const* outs) {
  int64_t p = 0;
  for (; p + P <= n_panels; p += P) ScorePanelTile<U, P>(panels, k, n_items, users, p, outs);
  for (; p < n_panels; ++p) ScorePanelTile<U, 1>(panels, k, n_items, users, p, outs);
}

// The panels are taken in blocks of about kPanelBlockBytes, and each block
// is scored for every user of the call (eight users per pass, fewer when
// fewer are left) while it sits in L2: V streams from memory once per call
// rather than once per eight users (a 50,000 × 128 V is 25.6 MB).
// 512 KiB: 50k × 128 served at 11.5k req/s (1 MiB: 11.2k).
constexpr int64_t kPanelBlockBytes = int64_t{512} * 1024;

RECOTEM_MULTIVERSION void ScorePanels(const float* panels, int64_t k, int32_t n_items,
                                      std::span<const float* const> users,
                                      std::span<float* const> outs) {
  const int64_t n_panels = (n_items + kPanelItems - 1) / kPanelItems;
  const int64_t panel_bytes = k * kPanelItems * static_cast<int64_t>(sizeof(float));
  const int64_t block = std::max<int64_t>(8, kPanelBlockBytes / std::max<int64_t>(1, panel_bytes));
  std::vector<float*> shifted(outs.size());
  for (int64_t p0 = 0; p0 < n_panels; p0 += block) {
    const int64_t count = std::min(block, n_panels - p0);
    const float* first = panels + p0 * k * kPanelItems;
    const int32_t items =
        static_cast<int32_t>(std::min<int64_t>(count * kPanelItems, n_items - p0 * kPanelItems));
    for (size_t b = 0; b < outs.size(); ++b) shifted[b] = outs[b] + p0 * kPanelItems;
    size_t b = 0;
    for (; b + 8 <= users.size(); b += 8) {
      ScorePanelUsers<8, 2>(first, count, k, items, &users[b], &shifted[b]);
    }
    for (; b + 4 <= users.size(); b += 4) {
      ScorePanelUsers<4, 4>(first, count, k, items, &users[b], &shifted[b]);
    }
    for (; b + 2 <= users.size(); b += 2) {
      ScorePanelUsers<2, 8>(first, count, k, items, &users[b], &shifted[b]);
    }
    for (; b < users.size(); ++b) {
      ScorePanelUsers<1, 8>(first, count, k, items, &users[b], &shifted[b]);
    }
  }
}

void CheckScoreCall(const FactorModelView& model, std::span<const int32_t> users,
                    std::span<float> out) {
  if (out.size() != users.size() * static_cast<size_t>(model.n_items)) {
    throw std::invalid_argument(std::string(model.name) + ": output buffer has the wrong size");
  }
  for (int32_t user : users) {
    if (user < 0 || user >= model.n_users) {
      throw std::invalid_argument(std::string(model.name) + ": unknown user row");
    }
  }
}

void AddItemBiases(const FactorModelView& model, size_t n_users, std::span<float> out) {
  if (model.item_biases.empty()) return;
  const auto n = static_cast<size_t>(model.n_items);
  for (size_t u = 0; u < n_users; ++u) {
    for (size_t i = 0; i < n; ++i) out[u * n + i] += model.item_biases[i];
  }
}

}  // namespace

void ScoreUserFactors(const FactorModelView& model, std::span<const int32_t> users,
                      std::span<float> out) {
  const int64_t k = model.k;
  CheckScoreCall(model, users, out);
  if (users.size() <= kExactScoreBatchUsers) {
    // Few users (one request, a serving batch, an evaluator's last block):
    // the panel layout scores each of them exactly as alone, and the copy
    // of V it needs is small next to an evaluation.
    ItemPanels(model).Score(model, users, out);
    return;
  }
  Eigen::Map<const RowMatrix> v(model.item_factors.data(), model.n_items, k);
  RowMatrix block(static_cast<int64_t>(users.size()), k);
  for (size_t r = 0; r < users.size(); ++r) {
    block.row(static_cast<int64_t>(r)) =
        Eigen::Map<const Eigen::RowVectorXf>(model.user_factors.data() + users[r] * k, k);
  }
  Eigen::Map<RowMatrix>(out.data(), static_cast<int64_t>(users.size()), model.n_items).noalias() =
      block * v.transpose();
  AddItemBiases(model, users.size(), out);
}

ItemPanels::ItemPanels(const FactorModelView& model) : n_items_(model.n_items), k_(model.k) {
  const int64_t n_panels = (model.n_items + kPanelItems - 1) / kPanelItems;
  panels_.assign(static_cast<size_t>(n_panels * k_ * kPanelItems), 0.0f);
  for (int64_t item = 0; item < model.n_items; ++item) {
    const int64_t panel = item / kPanelItems, lane = item % kPanelItems;
    for (int64_t j = 0; j < k_; ++j) {
      panels_[static_cast<size_t>((panel * k_ + j) * kPanelItems + lane)] =
          model.item_factors[static_cast<size_t>(item * k_ + j)];
    }
  }
}

void ItemPanels::Score(const FactorModelView& model, std::span<const int32_t> users,
                       std::span<float> out) const {
  if (model.n_items != n_items_ || model.k != k_) {
    throw std::invalid_argument(std::string(model.name) + ": item panels of another model");
  }
  CheckScoreCall(model, users, out);
  std::vector<const float*> rows(users.size());
  std::vector<float*> outs(users.size());
  for (size_t r = 0; r < users.size(); ++r) {
    rows[r] = model.user_factors.data() + static_cast<int64_t>(users[r]) * k_;
    outs[r] = out.data() + r * static_cast<size_t>(n_items_);
  }
  ScorePanels(panels_.data(), k_, n_items_, rows, outs);
  AddItemBiases(model, users.size(), out);
}

}  // namespace recotem
