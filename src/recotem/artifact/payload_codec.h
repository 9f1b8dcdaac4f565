// Payload codec: a TensorMap as a safetensors-layout blob — u64 LE header
// length, a JSON table {name: {dtype, shape, data_offsets}, "__metadata__":
// {...}} padded with spaces to a multiple of 8, then the raw little-endian
// arrays. Safe by construction: no code, every offset and length checked
// against the buffer before anything is allocated from it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recotem/algo/tensor_map.h"

namespace recotem {

std::vector<uint8_t> EncodeTensorMap(const TensorMap& tensors);

// Throws std::invalid_argument describing the first problem (bad header
// length, unknown dtype, overlapping or out-of-range offsets, shape/length
// mismatch, duplicate names).
TensorMap DecodeTensorMap(std::span<const uint8_t> bytes);

}  // namespace recotem
