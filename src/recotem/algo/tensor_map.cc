#include "recotem/algo/tensor_map.h"

namespace recotem {

const char* DTypeName(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return "F32";
    case DType::kF64:
      return "F64";
    case DType::kI32:
      return "I32";
    case DType::kI64:
      return "I64";
    case DType::kU8:
      return "U8";
  }
  return "U8";
}

size_t DTypeSize(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return 4;
    case DType::kF64:
      return 8;
    case DType::kI32:
      return 4;
    case DType::kI64:
      return 8;
    case DType::kU8:
      return 1;
  }
  return 1;
}

int64_t Tensor::NumElements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

void TensorMap::PutTensor(const std::string& name, Tensor tensor) {
  if (static_cast<int64_t>(tensor.bytes.size()) !=
      tensor.NumElements() * static_cast<int64_t>(DTypeSize(tensor.dtype))) {
    throw std::invalid_argument("tensor '" + name + "': byte length does not match shape");
  }
  tensors_[name] = std::move(tensor);
}

const Tensor& TensorMap::Require(const std::string& name, DType dtype,
                                 const std::vector<int64_t>& expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw std::invalid_argument("missing tensor '" + name + "'");
  const Tensor& t = it->second;
  if (t.dtype != dtype) {
    throw std::invalid_argument("tensor '" + name + "' has dtype " + DTypeName(t.dtype) +
                                ", expected " + DTypeName(dtype));
  }
  bool shape_ok = t.shape.size() == expected_shape.size();
  for (size_t i = 0; shape_ok && i < expected_shape.size(); ++i) {
    shape_ok = expected_shape[i] < 0 || expected_shape[i] == t.shape[i];
  }
  if (!shape_ok) throw std::invalid_argument("tensor '" + name + "' has an unexpected shape");
  return t;
}

}  // namespace recotem
