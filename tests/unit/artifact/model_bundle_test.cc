#include "recotem/artifact/model_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "artifact_test_support.h"
#include "recotem/algo/top_pop.h"
#include "recotem/artifact/payload_codec.h"
#include "recotem/core/errors.h"

namespace recotem {
namespace {

using ::recotem::testing::SmallTopPopBundle;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kTopPop = TopPopRecommender::kClassName;

std::string DecodeError(std::span<const uint8_t> payload, std::string_view best_class = kTopPop,
                        const AlgorithmRegistry& registry = AlgorithmRegistry::Default()) {
  try {
    DecodePayload(payload, best_class, registry);
  } catch (const ArtifactError& e) {
    return e.what();
  }
  return "";
}

// A valid payload whose decoded tensors were changed by `edit`.
std::vector<uint8_t> Edited(const std::function<void(TensorMap&)>& edit) {
  TensorMap tensors = DecodeTensorMap(EncodePayload(SmallTopPopBundle()));
  edit(tensors);
  return EncodeTensorMap(tensors);
}

// A copy of `in` without tensor `name`.
TensorMap Without(const TensorMap& in, const std::string& name) {
  TensorMap out;
  for (const auto& [n, t] : in.tensors()) {
    if (n != name) {
      out.PutTensor(n, t);
    }
  }
  out.metadata() = in.metadata();
  return out;
}

std::vector<float> ScoreAll(const ModelBundle& b) {
  std::vector<int32_t> users(static_cast<size_t>(b.users.size()));
  for (int32_t u = 0; u < b.users.size(); ++u) {
    users[static_cast<size_t>(u)] = u;
  }
  std::vector<float> out(users.size() * static_cast<size_t>(b.items.size()));
  b.model->ScoreUsers(b.seen, users, out);
  return out;
}

TEST(ModelBundle, TopPopRoundTripGivesIdenticalIdsSeenItemsAndScores) {
  ModelBundle original = SmallTopPopBundle();
  ModelBundle decoded = DecodePayload(EncodePayload(original), kTopPop);
  EXPECT_EQ(decoded.users.ids(), original.users.ids());
  EXPECT_EQ(decoded.items.ids(), original.items.ids());
  EXPECT_EQ(decoded.users.Find("ユーザー3"), 2);
  EXPECT_EQ(decoded.items.Find(""), 3);
  EXPECT_EQ(decoded.seen.n_rows, 3);
  EXPECT_EQ(decoded.seen.n_cols, 4);
  EXPECT_EQ(decoded.seen.indptr, original.seen.indptr);
  EXPECT_EQ(decoded.seen.indices, original.seen.indices);
  EXPECT_EQ(decoded.seen.values, original.seen.values);
  ASSERT_NE(decoded.model, nullptr);
  EXPECT_STREQ(decoded.model->class_name(), kTopPop);
  std::vector<float> scores = ScoreAll(decoded);
  EXPECT_EQ(scores, ScoreAll(original));
  EXPECT_EQ(std::vector<float>(scores.begin(), scores.begin() + 4),
            (std::vector<float>{1, 4, 1, 0.5f}));
}

// The payload layout is a contract (other tools may write or read it): this
// one is assembled by hand, as json.dumps plus struct.pack would.
TEST(ModelBundle, DecodesAPayloadAssembledByAnIndependentWriter) {
  using ::recotem::testing::LeBytes;
  std::string table =
      R"({"__metadata__":{"class":"TopPopRecommender","format":"recotem.model_bundle",)"
      R"("format_version":"1","params":"{}"},)"
      R"("seen.indptr":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},)"
      R"("users.id_offsets":{"dtype":"I64","shape":[3],"data_offsets":[24,48]},)"
      R"("items.id_offsets":{"dtype":"I64","shape":[3],"data_offsets":[48,72]},)"
      R"("seen.indices":{"dtype":"I32","shape":[3],"data_offsets":[72,84]},)"
      R"("seen.values":{"dtype":"F32","shape":[3],"data_offsets":[84,96]},)"
      R"("model.popularity":{"dtype":"F32","shape":[2],"data_offsets":[96,104]},)"
      R"("users.id_bytes":{"dtype":"U8","shape":[2],"data_offsets":[104,106]},)"
      R"("items.id_bytes":{"dtype":"U8","shape":[2],"data_offsets":[106,108]}})";
  std::vector<uint8_t> data;
  for (const std::vector<uint8_t>& part :
       {LeBytes<int64_t>({0, 2, 3}), LeBytes<int64_t>({0, 1, 2}), LeBytes<int64_t>({0, 1, 2}),
        LeBytes<int32_t>({0, 1, 1}), LeBytes<float>({1, 1, 2}), LeBytes<float>({1, 3}),
        std::vector<uint8_t>{'a', 'b', 'x', 'y'}}) {
    data.insert(data.end(), part.begin(), part.end());
  }
  ModelBundle b = DecodePayload(::recotem::testing::SafetensorsBlob(table, data), kTopPop);
  EXPECT_EQ(b.users.ids(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(b.items.ids(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b.seen.indptr, (std::vector<int64_t>{0, 2, 3}));
  EXPECT_EQ(ScoreAll(b), (std::vector<float>{1, 3, 1, 3}));
}

// security.md §9.3: every algorithm the trainer supports survives
// fit → encode → decode and scores exactly as before.
class EveryRegisteredAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryRegisteredAlgorithm, RoundTripsThroughThePayloadWithIdenticalScores) {
  const AlgorithmInfo* info = AlgorithmRegistry::Default().Find(GetParam());
  ASSERT_NE(info, nullptr);
  ModelBundle original;
  std::vector<int32_t> rows;
  std::vector<int32_t> cols;
  std::vector<float> vals;
  const int32_t n_users = 40;
  const int32_t n_items = 30;
  for (int32_t u = 0; u < n_users; ++u) {
    original.users.GetOrAdd("user-" + std::to_string(u));
    for (int32_t k = 0; k < 6; ++k) {
      rows.push_back(u);
      cols.push_back((u * 7 + k * k * 3 + k) % n_items);
      vals.push_back(1.0f);
    }
  }
  for (int32_t i = 0; i < n_items; ++i) original.items.GetOrAdd("item-" + std::to_string(i));
  original.seen = CsrMatrix::FromTriplets(n_users, n_items, rows, cols, vals);
  original.model = info->create(HyperParams::object());
  original.model->Fit(original.seen);

  ModelBundle decoded = DecodePayload(EncodePayload(original), info->class_name);
  ASSERT_NE(decoded.model, nullptr);
  EXPECT_EQ(decoded.model->params(), original.model->params());
  EXPECT_EQ(ScoreAll(decoded), ScoreAll(original));
}

std::vector<std::string> RegisteredClasses() {
  std::vector<std::string> out;
  for (const AlgorithmInfo& info : AlgorithmRegistry::Default().algorithms()) {
    out.push_back(info.class_name);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(ModelBundle, EveryRegisteredAlgorithm,
                         ::testing::ValuesIn(RegisteredClasses()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(ModelBundle, EncodingIsDeterministic) {
  EXPECT_EQ(EncodePayload(SmallTopPopBundle()), EncodePayload(SmallTopPopBundle()));
}

TEST(ModelBundle, RoundTripsAnEmptyCatalogue) {
  ModelBundle empty;
  empty.seen.n_rows = 0;
  empty.seen.n_cols = 0;
  auto model = std::make_unique<TopPopRecommender>(HyperParams::object());
  model->Fit(empty.seen);
  empty.model = std::move(model);
  ModelBundle decoded = DecodePayload(EncodePayload(empty), kTopPop);
  EXPECT_EQ(decoded.users.size(), 0);
  EXPECT_EQ(decoded.items.size(), 0);
  EXPECT_EQ(decoded.model->n_items(), 0);
}

TEST(ModelBundle, RefusesAClassOutsideTheRegistryBeforeReadingThePayload) {
  std::vector<uint8_t> garbage = {1, 2, 3};
  std::string message = DecodeError(garbage, "os.system");
  EXPECT_THAT(message, StartsWith("class not allowed: os.system; "));
  EXPECT_THAT(message, HasSubstr(kTopPop));
  EXPECT_THAT(DecodeError(EncodePayload(SmallTopPopBundle()), "toppoprecommender"),
              StartsWith("class not allowed: toppoprecommender; "));
  EXPECT_THAT(DecodeError(garbage, ""), StartsWith("class not allowed: ; "));
}

TEST(ModelBundle, RefusesAPayloadWhoseClassDiffersFromTheHeader) {
  AlgorithmRegistry registry;
  for (const AlgorithmInfo& info : AlgorithmRegistry::Default().algorithms()) {
    registry.Register(info);
  }
  AlgorithmInfo other;
  other.class_name = "OtherRecommender";
  other.create = [](const HyperParams& p) -> std::unique_ptr<Recommender> {
    return std::make_unique<TopPopRecommender>(p);
  };
  registry.Register(other);
  EXPECT_EQ(DecodeError(EncodePayload(SmallTopPopBundle()), "OtherRecommender", registry),
            "deserialization failed: payload class 'TopPopRecommender' does not match header "
            "best_class 'OtherRecommender'");
}

TEST(ModelBundle, RefusesAFactoryThatBuildsAnotherClass) {
  AlgorithmRegistry registry;
  AlgorithmInfo liar;
  liar.class_name = "TopPopRecommender";
  liar.create = [](const HyperParams&) -> std::unique_ptr<Recommender> { return nullptr; };
  registry.Register(liar);
  EXPECT_THAT(DecodeError(EncodePayload(SmallTopPopBundle()), kTopPop, registry),
              StartsWith("deserialization failed: the factory of TopPopRecommender"));
}

TEST(ModelBundle, ReportsEveryMalformedContentAsDeserializationFailed) {
  struct Case {
    const char* what;
    std::function<void(TensorMap&)> edit;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"missing seen values", [](TensorMap& t) { t = Without(t, "seen.values"); },
       "missing tensor 'seen.values'"},
      {"missing user ids", [](TensorMap& t) { t = Without(t, "users.id_bytes"); },
       "missing tensor 'users.id_bytes'"},
      {"offsets with the wrong dtype",
       [](TensorMap& t) {
         t.Put<int32_t>("users.id_offsets", std::vector<int32_t>{0, 5, 8, 20});
       },
       "tensor 'users.id_offsets' has dtype I32, expected I64"},
      {"offsets that overrun the bytes",
       [](TensorMap& t) {
         t.Put<int64_t>("users.id_offsets", std::vector<int64_t>{0, 5, 8, 999});
       },
       "users.id_offsets does not span users.id_bytes"},
      {"decreasing offsets",
       [](TensorMap& t) {
         std::vector<int64_t> o = t.Get<int64_t>("users.id_offsets", {-1});
         o[1] = 9;
         o[2] = 3;
         t.Put<int64_t>("users.id_offsets", o);
       },
       "users.id_offsets decreases at index 2"},
      {"empty offsets",
       [](TensorMap& t) { t.Put<int64_t>("items.id_offsets", std::vector<int64_t>{}); },
       "items.id_offsets does not span items.id_bytes"},
      {"duplicated ids",
       [](TensorMap& t) {
         t.Put<uint8_t>("users.id_bytes", std::vector<uint8_t>{'a', 'a'});
         t.Put<int64_t>("users.id_offsets", std::vector<int64_t>{0, 1, 2});
         t.Put<int64_t>("seen.indptr", std::vector<int64_t>{0, 0, 0});
         t.Put<int32_t>("seen.indices", std::vector<int32_t>{});
         t.Put<float>("seen.values", std::vector<float>{});
       },
       "users contains a duplicated id"},
      {"an id that is not UTF-8",
       [](TensorMap& t) {
         std::vector<uint8_t> b = t.Get<uint8_t>("items.id_bytes", {-1});
         b[0] = 0xFF;
         t.Put<uint8_t>("items.id_bytes", b);
       },
       "items id 0 is not valid UTF-8"},
      {"a column outside the catalogue",
       [](TensorMap& t) {
         std::vector<int32_t> c = t.Get<int32_t>("seen.indices", {-1});
         c[0] = 4;
         t.Put<int32_t>("seen.indices", c);
       },
       "invalid CSR: column out of range"},
      {"an indptr of the wrong length",
       [](TensorMap& t) {
         t.Put<int64_t>("seen.indptr", std::vector<int64_t>{0, 6});
       },
       "tensor 'seen.indptr' has an unexpected shape"},
      {"values and indices of different lengths",
       [](TensorMap& t) { t.Put<float>("seen.values", std::vector<float>{1}); },
       "tensor 'seen.values' has an unexpected shape"},
      {"model tensors sized for another catalogue",
       [](TensorMap& t) {
         t.Put<float>("model.popularity", std::vector<float>{1, 2});
       },
       "tensor 'popularity' has an unexpected shape"},
      {"an unknown tensor", [](TensorMap& t) { t.Put<uint8_t>("evil", std::vector<uint8_t>{1}); },
       "unknown tensor 'evil'"},
      {"an unknown metadata key", [](TensorMap& t) { t.metadata()["pickle"] = "x"; },
       "unknown metadata key 'pickle'"},
      {"another format", [](TensorMap& t) { t.metadata()["format"] = "other"; },
       "payload format is not recotem.model_bundle"},
      {"a newer format version", [](TensorMap& t) { t.metadata()["format_version"] = "2"; },
       "payload format_version '2' is not supported by this build (1)"},
      {"no class", [](TensorMap& t) { t.metadata().erase("class"); }, "metadata has no 'class'"},
      {"params that are not JSON", [](TensorMap& t) { t.metadata()["params"] = "{"; },
       "parse error"},
      {"params that are not an object", [](TensorMap& t) { t.metadata()["params"] = "[]"; },
       "params metadata is not a JSON object"},
      {"params the factory refuses",
       [](TensorMap& t) { t.metadata()["params"] = R"({"alpha":1})"; },
       "TopPopRecommender takes no hyperparameters"},
  };
  for (const Case& c : cases) {
    std::string message = DecodeError(Edited(c.edit));
    EXPECT_THAT(message, StartsWith("deserialization failed: ")) << c.what;
    EXPECT_THAT(message, HasSubstr(c.expected)) << c.what;
  }
}

TEST(ModelBundle, EveryTruncationOrByteFlipIsAnArtifactError) {
  std::vector<uint8_t> payload = EncodePayload(SmallTopPopBundle());
  for (size_t n = 0; n < payload.size(); ++n) {
    std::vector<uint8_t> cut(payload.begin(), payload.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_THAT(DecodeError(cut), StartsWith("deserialization failed: ")) << "length " << n;
  }
  int decoded = 0;
  for (size_t i = 0; i < payload.size(); ++i) {
    std::vector<uint8_t> b = payload;
    b[i] ^= 0xFF;
    std::string message = DecodeError(b);  // any other exception fails the test
    if (message.empty()) {
      ++decoded;
    } else {
      EXPECT_THAT(message, StartsWith("deserialization failed: ")) << "byte " << i;
    }
  }
  // Only flips inside raw array values can still decode (no CRC inside the
  // payload: the HMAC outside protects it).
  EXPECT_LT(decoded, static_cast<int>(payload.size()) / 2);
}

TEST(ModelBundle, EncodeRefusesAnInconsistentBundle) {
  ModelBundle no_model = SmallTopPopBundle();
  no_model.model.reset();
  EXPECT_THROW(EncodePayload(no_model), ArtifactError);
  ModelBundle wrong_seen = SmallTopPopBundle();
  wrong_seen.seen.n_cols = 5;
  EXPECT_THROW(EncodePayload(wrong_seen), ArtifactError);
  ModelBundle extra_item = SmallTopPopBundle();
  extra_item.items.GetOrAdd("new");
  extra_item.seen.n_cols = 5;
  EXPECT_THROW(EncodePayload(extra_item), ArtifactError);
}

}  // namespace
}  // namespace recotem
