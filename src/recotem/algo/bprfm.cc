#include "recotem/algo/bprfm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "recotem/algo/factor_scoring.h"
#include "recotem/algo/hyper_params.h"

namespace recotem {

namespace {

// WARP step weights are clipped at this (LightFM's MAX_LOSS).
constexpr float kMaxWarpWeight = 10.0f;
// BPR redraws a negative that turns out to be a positive at most this often.
constexpr int kMaxNegativeDraws = 10;
// Adagrad's squared-gradient sums start here (LightFM).
constexpr float kInitialSquaredGradient = 1.0f;

constexpr const char* kUserEmbeddings = "user_embeddings";
constexpr const char* kItemEmbeddings = "item_embeddings";
constexpr const char* kItemBiases = "item_biases";

BPRFMParams ParseParams(const HyperParams& params) {
  constexpr double kMax = std::numeric_limits<double>::max();
  constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
  ParamReader reader(params, BPRFMRecommender::kClassName);
  BPRFMParams p;
  p.n_components = reader.Int("n_components", p.n_components, 1, 100000);
  p.item_alpha = reader.Double("item_alpha", p.item_alpha, 0.0, kMax);
  p.user_alpha = reader.Double("user_alpha", p.user_alpha, 0.0, kMax);
  p.loss = reader.Choice("loss", "bpr", {"bpr", "warp"}) == "warp" ? BPRFMParams::Loss::kWarp
                                                                   : BPRFMParams::Loss::kBpr;
  p.train_epochs = reader.Int("train_epochs", p.train_epochs, 0, kMaxInt);
  p.learning_rate =
      reader.Double("learning_rate", p.learning_rate, std::numeric_limits<double>::min(), kMax);
  p.max_sampled = reader.Int("max_sampled", p.max_sampled, 1, kMaxInt);
  p.random_seed = reader.Int("random_seed", p.random_seed, std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max());
  reader.Finish();
  return p;
}

std::mt19937_64 SeededRng(int64_t seed, uint64_t stream) {
  std::seed_seq seq{static_cast<uint32_t>(seed),
                    static_cast<uint32_t>(static_cast<uint64_t>(seed) >> 32),
                    static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)};
  return std::mt19937_64(seq);
}

// Uniform in [0, bound) by rejection (portable, unlike the std distributions).
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
  for (;;) {
    uint64_t x = rng();
    if (x < limit) return x % bound;
  }
}

bool IsPositive(const CsrMatrix& x, int32_t user, int32_t item) {
  std::span<const int32_t> items = x.RowIndices(user);
  return std::binary_search(items.begin(), items.end(), item);
}

float Dot(const float* a, const float* b, int64_t k) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < k; ++j) sum += a[j] * b[j];
  return sum;
}

// The trainable state and one Adagrad step over it.
struct Trainer {
  const BPRFMParams& p;
  int64_t k;
  float* user_emb;
  float* item_emb;
  float* item_bias;
  float* user_emb_sq;
  float* item_emb_sq;
  float* item_bias_sq;
  std::vector<float> user_grad;

  float Score(int32_t u, int32_t i) const {
    return Dot(user_emb + u * k, item_emb + static_cast<int64_t>(i) * k, k) + item_bias[i];
  }

  // One step on the pair (positive i, negative j) of user u with loss
  // weight g: the gradient of −g·(s_ui − s_uj) plus the L2 penalties.
  void Step(int32_t u, int32_t i, int32_t j, float g) {
    const auto lr = static_cast<float>(p.learning_rate);
    const auto ua = static_cast<float>(p.user_alpha);
    const auto ia = static_cast<float>(p.item_alpha);
    float* pu = user_emb + u * k;
    float* qi = item_emb + static_cast<int64_t>(i) * k;
    float* qj = item_emb + static_cast<int64_t>(j) * k;
    float* su = user_emb_sq + u * k;
    float* si = item_emb_sq + static_cast<int64_t>(i) * k;
    float* sj = item_emb_sq + static_cast<int64_t>(j) * k;
    float* gu = user_grad.data();
#pragma omp simd
    for (int64_t d = 0; d < k; ++d) gu[d] = -g * (qi[d] - qj[d]) + ua * pu[d];
#pragma omp simd
    for (int64_t d = 0; d < k; ++d) {
      const float gi = -g * pu[d] + ia * qi[d];
      const float gj = g * pu[d] + ia * qj[d];
      si[d] += gi * gi;
      qi[d] -= lr * gi / std::sqrt(si[d]);
      sj[d] += gj * gj;
      qj[d] -= lr * gj / std::sqrt(sj[d]);
    }
#pragma omp simd
    for (int64_t d = 0; d < k; ++d) {
      su[d] += gu[d] * gu[d];
      pu[d] -= lr * gu[d] / std::sqrt(su[d]);
    }
    const float gbi = -g + ia * item_bias[i];
    const float gbj = g + ia * item_bias[j];
    item_bias_sq[i] += gbi * gbi;
    item_bias[i] -= lr * gbi / std::sqrt(item_bias_sq[i]);
    item_bias_sq[j] += gbj * gbj;
    item_bias[j] -= lr * gbj / std::sqrt(item_bias_sq[j]);
  }
};

}  // namespace

BPRFMRecommender::BPRFMRecommender(const HyperParams& params) : params_(ParseParams(params)) {}

recotem::SearchSpace BPRFMRecommender::SearchSpace() {
  return {
      ParamDistribution::IntUniform("n_components", 4, 256),
      ParamDistribution::FloatLog("item_alpha", 1e-9, 1e-2),
      ParamDistribution::FloatLog("user_alpha", 1e-9, 1e-2),
      ParamDistribution::Categorical("loss", {"bpr", "warp"}),
  };
}

std::vector<std::string> BPRFMRecommender::ParameterNames() {
  return {"n_components", "item_alpha",    "user_alpha",  "loss",
          "train_epochs", "learning_rate", "max_sampled", "random_seed"};
}

HyperParams BPRFMRecommender::params() const {
  HyperParams out = HyperParams::object();
  out["n_components"] = params_.n_components;
  out["item_alpha"] = params_.item_alpha;
  out["user_alpha"] = params_.user_alpha;
  out["loss"] = params_.loss == BPRFMParams::Loss::kWarp ? "warp" : "bpr";
  out["train_epochs"] = user_embeddings_.empty() ? params_.train_epochs : epochs_trained_;
  out["learning_rate"] = params_.learning_rate;
  out["max_sampled"] = params_.max_sampled;
  out["random_seed"] = params_.random_seed;
  return out;
}

void BPRFMRecommender::FitWithOptions(const CsrMatrix& user_items, const FitOptions& options) {
  const BPRFMParams& p = params_;
  const int64_t k = p.n_components;
  n_users_ = user_items.n_rows;
  n_items_ = user_items.n_cols;
  if (n_items_ < 2) throw std::invalid_argument("BPRFMRecommender needs at least 2 items");
  std::mt19937_64 init_rng = SeededRng(p.random_seed, 0);
  std::uniform_real_distribution<float> uniform(-0.5f, 0.5f);
  const float init_scale = 1.0f / static_cast<float>(k);
  auto init = [&](AlignedVector<float>& f, int64_t rows) {
    f.resize(static_cast<size_t>(rows * k));
    for (float& v : f) v = uniform(init_rng) * init_scale;
  };
  init(user_embeddings_, n_users_);
  init(item_embeddings_, n_items_);
  item_biases_.assign(static_cast<size_t>(n_items_), 0.0f);
  std::vector<float> user_sq(user_embeddings_.size(), kInitialSquaredGradient);
  std::vector<float> item_sq(item_embeddings_.size(), kInitialSquaredGradient);
  std::vector<float> bias_sq(item_biases_.size(), kInitialSquaredGradient);
  Trainer trainer{p,
                  k,
                  user_embeddings_.data(),
                  item_embeddings_.data(),
                  item_biases_.data(),
                  user_sq.data(),
                  item_sq.data(),
                  bias_sq.data(),
                  std::vector<float>(static_cast<size_t>(k))};

  std::vector<int32_t> entry_user(user_items.indices.size());
  for (int32_t u = 0; u < n_users_; ++u) {
    std::fill(entry_user.begin() + user_items.indptr[u],
              entry_user.begin() + user_items.indptr[u + 1], u);
  }
  std::vector<int64_t> order(entry_user.size());
  for (size_t e = 0; e < order.size(); ++e) order[e] = static_cast<int64_t>(e);
  const auto n_items = static_cast<uint64_t>(n_items_);
  const int64_t max_epochs = options.max_epochs > 0 ? options.max_epochs : p.train_epochs;
  epochs_trained_ = 0;
  for (int64_t epoch = 0; epoch < max_epochs; ++epoch) {
    if (options.stop.stop_requested()) throw FitCancelled();
    std::mt19937_64 rng = SeededRng(p.random_seed, static_cast<uint64_t>(epoch) + 1);
    for (size_t e = order.size(); e > 1; --e) std::swap(order[e - 1], order[UniformBelow(rng, e)]);
    for (int64_t entry : order) {
      const int32_t u = entry_user[entry];
      const int32_t i = user_items.indices[entry];
      const float positive = trainer.Score(u, i);
      if (p.loss == BPRFMParams::Loss::kBpr) {
        for (int draw = 0; draw < kMaxNegativeDraws; ++draw) {
          auto j = static_cast<int32_t>(UniformBelow(rng, n_items));
          if (IsPositive(user_items, u, j)) continue;
          const float x = positive - trainer.Score(u, j);
          trainer.Step(u, i, j, 1.0f / (1.0f + std::exp(x)));
          break;
        }
        continue;
      }
      for (int64_t sampled = 1; sampled <= p.max_sampled; ++sampled) {
        auto j = static_cast<int32_t>(UniformBelow(rng, n_items));
        if (trainer.Score(u, j) <= positive - 1.0f || IsPositive(user_items, u, j)) continue;
        const float weight = std::log(std::max(
            1.0f, std::floor(static_cast<float>(n_items_ - 1) / static_cast<float>(sampled))));
        trainer.Step(u, i, j, std::min(weight, kMaxWarpWeight));
        break;
      }
    }
    epochs_trained_ = epoch + 1;
    if (CallsOnEpoch(options, static_cast<int>(epochs_trained_)) &&
        options.on_epoch(static_cast<int>(epochs_trained_)) == EpochVerdict::kStop) {
      break;
    }
  }
}

std::optional<FactorModelView> BPRFMRecommender::factor_view() const {
  return FactorModelView{"BPRFMRecommender", user_embeddings_,     item_embeddings_, n_users_,
                         n_items_,           params_.n_components, item_biases_};
}

void BPRFMRecommender::ScoreUsers(const CsrMatrix& /*interactions*/, std::span<const int32_t> users,
                                  std::span<float> out) const {
  ScoreUserFactors(*factor_view(), users, out);
}

void BPRFMRecommender::ScoreProfiles(const CsrMatrix& /*profiles*/,
                                     std::span<float> /*out*/) const {
  throw std::logic_error("BPRFMRecommender cannot score new users: it has no fold-in");
}

void BPRFMRecommender::Save(TensorMap& out) const {
  const int64_t k = params_.n_components;
  SaveHyperParams(params(), out);
  out.Put<float>(kUserEmbeddings, std::span<const float>(user_embeddings_), {n_users_, k});
  out.Put<float>(kItemEmbeddings, std::span<const float>(item_embeddings_), {n_items_, k});
  out.Put<float>(kItemBiases, std::span<const float>(item_biases_), {n_items_});
}

void BPRFMRecommender::Load(const TensorMap& in, int32_t n_items) {
  BPRFMParams p = ParseParams(LoadHyperParams(in));
  const int64_t k = p.n_components;
  std::vector<float> items = in.Get<float>(kItemEmbeddings, {n_items, k});
  std::vector<float> biases = in.Get<float>(kItemBiases, {n_items});
  std::vector<float> users = in.Get<float>(kUserEmbeddings, {-1, k});
  params_ = p;
  epochs_trained_ = p.train_epochs;
  n_items_ = n_items;
  n_users_ = static_cast<int32_t>(users.size() / static_cast<size_t>(k));
  item_embeddings_ = ToAligned(items);
  item_biases_ = std::move(biases);
  user_embeddings_ = ToAligned(users);
}

}  // namespace recotem
