// Save → Load → score for every registered algorithm, and Load's rejection
// of tensors with a wrong shape, length or dtype (recommender.h contract:
// std::invalid_argument, never a crash).
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "recotem/algo/algorithm_registry.h"
#include "recotem/algo/top_k.h"
#include "test_matrices.h"

namespace recotem {
namespace {

// Small, fast settings per class; every other parameter stays default.
HyperParams FastParams(const std::string& class_name) {
  if (class_name == "IALSRecommender")
    return {{"n_components", 8}, {"alpha0", 0.2}, {"train_epochs", 3}};
  if (class_name == "BPRFMRecommender") return {{"n_components", 8}, {"train_epochs", 3}};
  if (class_name == "TruncatedSVDRecommender") return {{"n_components", 3}};
  if (class_name == "CosineKNNRecommender") return {{"top_k", 5}, {"normalize", true}};
  if (class_name == "RP3betaRecommender") return {{"top_k", 7}};
  return HyperParams::object();
}

class Persistence : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    info_ = AlgorithmRegistry::Default().Find(GetParam());
    ASSERT_NE(info_, nullptr);
    x_ = testing::ClusteredInteractions(50, 40, 4, 6);
    model_ = info_->create(FastParams(GetParam()));
    model_->Fit(x_);
    model_->Save(saved_);
  }

  std::vector<float> ScoreAll(const Recommender& model) const {
    std::vector<int32_t> users(50);
    for (int32_t u = 0; u < 50; ++u) users[u] = u;
    std::vector<float> out(50 * 40);
    model.ScoreUsers(x_, users, out);
    return out;
  }

  const AlgorithmInfo* info_ = nullptr;
  CsrMatrix x_;
  std::unique_ptr<Recommender> model_;
  TensorMap saved_;
};

// serve scores concurrent requests together: a user's scores must not
// depend by a single bit on the users sharing the ScoreUsers call.
TEST_P(Persistence, ABatchOfUpToTheExactLimitScoresEachUserAsAlone) {
  std::vector<std::vector<float>> alone(50, std::vector<float>(40));
  for (int32_t u = 0; u < 50; ++u) {
    model_->ScoreUsers(x_, std::vector<int32_t>{u}, alone[u]);
  }
  for (size_t batch : {size_t{2}, size_t{3}, size_t{5}, size_t{8}, kExactScoreBatchUsers}) {
    std::vector<int32_t> users(batch);
    for (size_t b = 0; b < batch; ++b) users[b] = static_cast<int32_t>((b * 11 + batch) % 50);
    std::vector<float> out(batch * 40);
    model_->ScoreUsers(x_, users, out);
    for (size_t b = 0; b < batch; ++b) {
      ASSERT_EQ(std::memcmp(out.data() + b * 40, alone[users[b]].data(), 40 * sizeof(float)), 0)
          << "batch " << batch << " user " << users[b];
    }
  }
}

TEST_P(Persistence, LoadedModelGivesBitIdenticalScoresAndTopTwentyLists) {
  std::unique_ptr<Recommender> loaded = info_->create(HyperParams::object());
  loaded->Load(saved_, 40);
  EXPECT_EQ(loaded->n_items(), 40);
  EXPECT_EQ(loaded->params(), model_->params());
  std::vector<float> before = ScoreAll(*model_), after = ScoreAll(*loaded);
  ASSERT_EQ(std::memcmp(before.data(), after.data(), before.size() * sizeof(float)), 0);
  std::vector<ScoredIndex<float>> top_before, top_after;
  for (int32_t u = 0; u < 50; ++u) {
    SelectTopK<float>(std::span<const float>(before).subspan(u * 40, 40), 20, top_before);
    SelectTopK<float>(std::span<const float>(after).subspan(u * 40, 40), 20, top_after);
    for (size_t k = 0; k < 20; ++k) EXPECT_EQ(top_before[k].index, top_after[k].index);
  }
  if (GetParam() == "BPRFMRecommender") return;  // no cold-start path
  CsrMatrix profiles = testing::FromDense({std::vector<float>(40, 0.0f), [] {
                                             std::vector<float> p(40, 0.0f);
                                             p[1] = p[5] = p[9] = 1.0f;
                                             return p;
                                           }()});
  std::vector<float> a(2 * 40), b(2 * 40);
  model_->ScoreProfiles(profiles, a);
  loaded->ScoreProfiles(profiles, b);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

TEST_P(Persistence, RejectsAMissingTensor) {
  for (const auto& [name, tensor] : saved_.tensors()) {
    TensorMap damaged;
    for (const auto& [other, t] : saved_.tensors()) {
      if (other != name) damaged.PutTensor(other, t);
    }
    std::unique_ptr<Recommender> target = info_->create(HyperParams::object());
    EXPECT_THROW(target->Load(damaged, 40), std::invalid_argument) << name;
  }
}

TEST_P(Persistence, RejectsAWrongDtype) {
  for (const auto& [name, tensor] : saved_.tensors()) {
    TensorMap damaged = saved_;
    Tensor t = tensor;
    // Same byte length, another dtype of the same width.
    t.dtype = DTypeSize(t.dtype) == 4   ? (t.dtype == DType::kF32 ? DType::kI32 : DType::kF32)
              : DTypeSize(t.dtype) == 8 ? (t.dtype == DType::kF64 ? DType::kI64 : DType::kF64)
                                        : DType::kU8;
    if (t.dtype == tensor.dtype) {  // U8: reinterpret pairs of bytes is impossible; widen
      if (t.bytes.size() % 4 != 0) t.bytes.resize(t.bytes.size() + 4 - t.bytes.size() % 4, ' ');
      t.dtype = DType::kF32;
      t.shape = {static_cast<int64_t>(t.bytes.size() / 4)};
    }
    damaged.PutTensor(name, t);
    std::unique_ptr<Recommender> target = info_->create(HyperParams::object());
    EXPECT_THROW(target->Load(damaged, 40), std::invalid_argument) << name;
  }
}

TEST_P(Persistence, RejectsAWrongShapeOrLength) {
  for (const auto& [name, tensor] : saved_.tensors()) {
    TensorMap damaged = saved_;
    Tensor t = tensor;
    if (t.shape.size() >= 2) {
      t.shape = {t.NumElements()};  // flattened
    } else {
      t.bytes.resize(t.bytes.size() - DTypeSize(t.dtype));  // one element short
      t.shape[0] -= 1;
    }
    damaged.PutTensor(name, t);
    std::unique_ptr<Recommender> target = info_->create(HyperParams::object());
    EXPECT_THROW(target->Load(damaged, 40), std::invalid_argument) << name;
  }
  std::unique_ptr<Recommender> target = info_->create(HyperParams::object());
  EXPECT_THROW(target->Load(saved_, 41), std::invalid_argument);  // another catalogue size
}

std::vector<std::string> AllClasses() {
  std::vector<std::string> out;
  for (const AlgorithmInfo& a : AlgorithmRegistry::Default().algorithms())
    out.push_back(a.class_name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, Persistence, ::testing::ValuesIn(AllClasses()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace recotem
