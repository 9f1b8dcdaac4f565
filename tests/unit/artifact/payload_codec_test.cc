#include "recotem/artifact/payload_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "artifact_test_support.h"

namespace recotem {
namespace {

using ::testing::HasSubstr;

std::vector<uint8_t> Blob(const std::string& table, const std::vector<uint8_t>& data) {
  return ::recotem::testing::SafetensorsBlob(table, data);
}

std::string DecodeError(const std::vector<uint8_t>& bytes) {
  try {
    DecodeTensorMap(bytes);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TensorMap SampleMap() {
  TensorMap m;
  m.Put<float>("f32", std::vector<float>{1.5f, -2.0f, 3.25f});
  m.Put<double>("f64", std::vector<double>{1e300, -0.0});
  m.Put<int32_t>("i32", std::vector<int32_t>{-7, 0, 2147483647});
  m.Put<int64_t>("i64", std::vector<int64_t>{-1, 1LL << 62});
  m.Put<uint8_t>("u8", std::vector<uint8_t>{0, 255, 7});
  std::vector<float> grid = {1, 2, 3, 4, 5, 6};
  m.Put<float>("grid", std::span<const float>(grid), {2, 3});
  m.Put<int32_t>("empty", std::vector<int32_t>{});
  m.metadata()["format"] = "test";
  m.metadata()["note"] = "ünïcode";
  return m;
}

TEST(PayloadCodec, RoundTripsEveryDtypeShapeAndMetadata) {
  TensorMap in = SampleMap();
  TensorMap out = DecodeTensorMap(EncodeTensorMap(in));
  ASSERT_EQ(out.tensors().size(), in.tensors().size());
  for (const auto& [name, tensor] : in.tensors()) {
    ASSERT_TRUE(out.Contains(name)) << name;
    const Tensor& got = out.tensors().at(name);
    EXPECT_EQ(got.dtype, tensor.dtype) << name;
    EXPECT_EQ(got.shape, tensor.shape) << name;
    EXPECT_EQ(got.bytes, tensor.bytes) << name;
  }
  EXPECT_EQ(out.metadata(), in.metadata());
  EXPECT_EQ(out.Get<float>("grid", {2, 3}), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(PayloadCodec, WritesTheSafetensorsLayout) {
  TensorMap m;
  m.Put<float>("x", std::vector<float>{1.0f, 2.0f});
  std::vector<uint8_t> bytes = EncodeTensorMap(m);
  std::string table = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_EQ(bytes, Blob(table, {0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}));
}

TEST(PayloadCodec, PadsTheTableAndAlignsEveryArray) {
  std::vector<uint8_t> bytes = EncodeTensorMap(SampleMap());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) {
    n = (n << 8) | bytes[i];
  }
  EXPECT_EQ(n % 8, 0u);
  std::string table(bytes.begin() + 8, bytes.begin() + 8 + static_cast<ptrdiff_t>(n));
  nlohmann::json j = nlohmann::json::parse(table);
  EXPECT_EQ(j["__metadata__"]["format"], "test");
  for (const auto& [name, entry] : j.items()) {
    if (name == "__metadata__") {
      continue;
    }
    uint64_t begin = entry["data_offsets"][0];
    size_t element = entry["dtype"] == "U8"                                 ? 1
                     : (entry["dtype"] == "F64" || entry["dtype"] == "I64") ? 8
                                                                            : 4;
    EXPECT_EQ(begin % element, 0u) << name;
  }
}

TEST(PayloadCodec, DecodesAnEmptyTable) {
  TensorMap m = DecodeTensorMap(Blob("{}", {}));
  EXPECT_TRUE(m.tensors().empty());
  EXPECT_TRUE(m.metadata().empty());
}

TEST(PayloadCodec, RejectsTooShortInputAndTableLengthsBeyondTheBuffer) {
  EXPECT_THAT(DecodeError({}), HasSubstr("too short"));
  EXPECT_THAT(DecodeError({1, 2, 3, 4, 5, 6, 7}), HasSubstr("too short"));
  std::vector<uint8_t> huge = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, '{', '}'};
  EXPECT_EQ(DecodeError(huge),
            "table length 18446744073709551615 exceeds the 2 bytes that follow it");
  std::vector<uint8_t> one_over = Blob("{}", {});
  one_over[0] = 9;
  EXPECT_THAT(DecodeError(one_over), HasSubstr("exceeds the 8 bytes"));
}

TEST(PayloadCodec, RejectsATableThatIsNotAJsonObject) {
  EXPECT_THAT(DecodeError(Blob("[1]", {})), HasSubstr("not a JSON object"));
  EXPECT_THAT(DecodeError(Blob("{", {})), HasSubstr("not valid JSON"));
  EXPECT_THAT(DecodeError(Blob("{\"a\":\"\xff\"}", {})), HasSubstr("not valid JSON"));
}

TEST(PayloadCodec, RejectsUnknownDtypes) {
  for (const char* dtype : {"F16", "BOOL", "I8", "f32", ""}) {
    std::string table =
        std::string(R"({"x":{"dtype":")") + dtype + R"(","shape":[1],"data_offsets":[0,4]}})";
    EXPECT_THAT(DecodeError(Blob(table, {0, 0, 0, 0})), HasSubstr("unknown dtype")) << dtype;
  }
  EXPECT_THAT(
      DecodeError(Blob(R"({"x":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", {0, 0, 0, 0})),
      HasSubstr("dtype is not a string"));
}

TEST(PayloadCodec, RejectsAShapeThatDisagreesWithTheByteLength) {
  EXPECT_EQ(DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                             std::vector<uint8_t>(8))),
            "tensor 'x': 3 elements of dtype F32 do not fit the 8 bytes of its data_offsets");
  EXPECT_THAT(DecodeError(Blob(R"({"x":{"dtype":"I64","shape":[2,2],"data_offsets":[0,8]}})",
                               std::vector<uint8_t>(8))),
              HasSubstr("4 elements of dtype I64"));
  EXPECT_THAT(DecodeError(Blob(R"({"x":{"dtype":"U8","shape":[],"data_offsets":[0,2]}})",
                               std::vector<uint8_t>(2))),
              HasSubstr("1 elements"));
}

TEST(PayloadCodec, RejectsMalformedShapes) {
  const std::vector<uint8_t> data(4);
  for (const char* shape : {"[-1]", "[1.0]", "[\"1\"]", "4", "null", "[[1]]"}) {
    std::string table =
        std::string(R"({"x":{"dtype":"F32","shape":)") + shape + R"(,"data_offsets":[0,4]}})";
    EXPECT_THAT(DecodeError(Blob(table, data)), HasSubstr("tensor 'x'")) << shape;
  }
}

TEST(PayloadCodec, RejectsShapesWhoseElementCountOverflows) {
  EXPECT_THAT(
      DecodeError(
          Blob(R"({"x":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", {})),
      HasSubstr("too many elements"));
  EXPECT_THAT(
      DecodeError(Blob(
          R"({"x":{"dtype":"U8","shape":[0,18446744073709551615],"data_offsets":[0,0]}})", {})),
      HasSubstr("too many elements"));
  EXPECT_THAT(DecodeError(Blob(
                  R"({"x":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})",
                  std::vector<uint8_t>(8))),
              HasSubstr("do not fit"));
  TensorMap zero =
      DecodeTensorMap(Blob(R"({"x":{"dtype":"U8","shape":[0,1000000],"data_offsets":[0,0]}})", {}));
  EXPECT_EQ(zero.tensors().at("x").shape, (std::vector<int64_t>{0, 1000000}));
}

TEST(PayloadCodec, RejectsOffsetsOutsideTheDataSection) {
  const std::vector<uint8_t> data(8);
  EXPECT_EQ(DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", data)),
            "tensor 'x': data_offsets [4, 12] are outside the 8-byte data section");
  EXPECT_THAT(DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", data)),
              HasSubstr("outside"));
  for (const char* offsets : {"[0]", "[0,8,8]", "[-1,8]", "\"0,8\"", "[0,8.0]"}) {
    std::string table =
        std::string(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":)") + offsets + "}}";
    EXPECT_THAT(DecodeError(Blob(table, data)), HasSubstr("data_offsets")) << offsets;
  }
}

TEST(PayloadCodec, RejectsOverlapsHolesAndTrailingBytes) {
  const std::vector<uint8_t> data(8);
  EXPECT_THAT(DecodeError(Blob(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                               data)),
              HasSubstr("overlap or hole"));
  EXPECT_THAT(DecodeError(Blob(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data)),
              HasSubstr("overlap or hole"));
  EXPECT_EQ(DecodeError(Blob(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", data)),
            "the data section has 4 trailing bytes that belong to no tensor");
  EXPECT_EQ(DecodeError(Blob("{}", data)),
            "the data section has 8 trailing bytes that belong to no tensor");
}

TEST(PayloadCodec, RejectsRepeatedKeysAtAnyLevel) {
  const std::vector<uint8_t> data(4);
  EXPECT_EQ(DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                             data)),
            "tensor table repeats the key 'x'");
  EXPECT_EQ(DecodeError(Blob(
                R"({"x":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}})", data)),
            "tensor table repeats the key 'dtype'");
  // Equal keys in sibling objects are fine.
  TensorMap ok = DecodeTensorMap(Blob(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                                      R"("b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
                                      data));
  EXPECT_EQ(ok.tensors().size(), 2u);
}

TEST(PayloadCodec, RejectsEntriesWithMissingOrExtraKeys) {
  const std::vector<uint8_t> data(4);
  EXPECT_THAT(DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[1]}})", data)),
              HasSubstr("exactly the keys"));
  EXPECT_THAT(
      DecodeError(Blob(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"y":1}})", data)),
      HasSubstr("exactly the keys"));
  EXPECT_THAT(DecodeError(Blob(R"({"x":[0,4]})", data)), HasSubstr("is not a JSON object"));
}

TEST(PayloadCodec, RejectsMetadataThatIsNotStringToString) {
  EXPECT_THAT(DecodeError(Blob(R"({"__metadata__":{"a":1}})", {})), HasSubstr("is not a string"));
  EXPECT_THAT(DecodeError(Blob(R"({"__metadata__":[]})", {})), HasSubstr("not a JSON object"));
}

TEST(PayloadCodec, EncodeRefusesATensorNamedLikeTheMetadataKey) {
  TensorMap m;
  m.Put<uint8_t>("__metadata__", std::vector<uint8_t>{1});
  EXPECT_THROW(EncodeTensorMap(m), std::invalid_argument);
}

TEST(PayloadCodec, EveryTruncationIsRejectedWithInvalidArgument) {
  std::vector<uint8_t> bytes = EncodeTensorMap(SampleMap());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_NE(DecodeError(cut), "") << "length " << n;
  }
}

TEST(PayloadCodec, RandomCorruptionNeverEscapesAsAnotherException) {
  std::vector<uint8_t> bytes = EncodeTensorMap(SampleMap());
  std::mt19937 rng(1234);
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> b = bytes;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      b[rng() % b.size()] = static_cast<uint8_t>(rng());
    }
    try {
      DecodeTensorMap(b);
    } catch (const std::invalid_argument&) {
      ++rejected;  // anything else escapes and fails the test
    }
  }
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace recotem
