// TensorMap: the named, typed arrays a Recommender saves and loads. It is
// the in-memory form of the artifact payload (artifact/payload_codec.h turns
// it into safetensors-layout bytes and back). Getters check dtype and shape
// and throw std::invalid_argument on a mismatch, so a corrupt payload is
// rejected rather than misread.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace recotem {

enum class DType { kF32, kF64, kI32, kI64, kU8 };

// The safetensors dtype names ("F32", "I64", ...).
const char* DTypeName(DType dtype);
size_t DTypeSize(DType dtype);

template <typename T>
constexpr DType DTypeOf();
template <>
constexpr DType DTypeOf<float>() {
  return DType::kF32;
}
template <>
constexpr DType DTypeOf<double>() {
  return DType::kF64;
}
template <>
constexpr DType DTypeOf<int32_t>() {
  return DType::kI32;
}
template <>
constexpr DType DTypeOf<int64_t>() {
  return DType::kI64;
}
template <>
constexpr DType DTypeOf<uint8_t>() {
  return DType::kU8;
}

struct Tensor {
  DType dtype = DType::kU8;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;  // little-endian, row-major

  int64_t NumElements() const;
};

class TensorMap {
 public:
  template <typename T>
  void Put(const std::string& name, std::span<const T> values, std::vector<int64_t> shape) {
    Tensor t;
    t.dtype = DTypeOf<T>();
    t.shape = std::move(shape);
    t.bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
    PutTensor(name, std::move(t));
  }
  template <typename T>
  void Put(const std::string& name, const std::vector<T>& values) {
    Put<T>(name, std::span<const T>(values), {static_cast<int64_t>(values.size())});
  }

  // Copies out tensor `name` as T. Throws std::invalid_argument if it is
  // missing, has another dtype, or its shape is not `expected_shape` (a -1
  // entry matches any extent).
  template <typename T>
  std::vector<T> Get(const std::string& name, const std::vector<int64_t>& expected_shape) const {
    const Tensor& t = Require(name, DTypeOf<T>(), expected_shape);
    std::vector<T> out(t.bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), t.bytes.data(), t.bytes.size());
    return out;
  }

  void PutTensor(const std::string& name, Tensor tensor);
  const Tensor& Require(const std::string& name, DType dtype,
                        const std::vector<int64_t>& expected_shape) const;
  bool Contains(const std::string& name) const { return tensors_.count(name) > 0; }
  const std::map<std::string, Tensor>& tensors() const { return tensors_; }

  // Free-form string metadata (safetensors `__metadata__`).
  std::map<std::string, std::string>& metadata() { return metadata_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::map<std::string, Tensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace recotem
