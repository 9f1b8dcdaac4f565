#include "recotem/artifact/payload_codec.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recotem {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the payload stores raw little-endian arrays; a big-endian build needs byte swaps");

using Json = nlohmann::json;

// safetensors' reserved key for free-form string metadata.
constexpr std::string_view kMetadataKey = "__metadata__";
constexpr size_t kHeaderLengthBytes = 8;
// The JSON table is padded with spaces so the data section starts 8-aligned.
constexpr size_t kHeaderAlignment = 8;
// Tensor names quoted in error messages are cut to this many characters.
constexpr size_t kMaxQuotedNameChars = 64;

constexpr DType kAllDTypes[] = {DType::kF32, DType::kF64, DType::kI32, DType::kI64, DType::kU8};

std::optional<DType> ParseDType(std::string_view name) {
  for (DType dtype : kAllDTypes) {
    if (name == DTypeName(dtype)) {
      return dtype;
    }
  }
  return std::nullopt;
}

std::string Quoted(std::string_view name) {
  if (name.size() <= kMaxQuotedNameChars) {
    return "'" + std::string(name) + "'";
  }
  return "'" + std::string(name.substr(0, kMaxQuotedNameChars)) + "...'";
}

[[noreturn]] void Fail(const std::string& why) { throw std::invalid_argument(why); }

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) {
    v = (v << 8) | p[i];
  }
  return v;
}

// Parses the JSON table, refusing a key that repeats within one object
// (nlohmann would silently keep the last one).
Json ParseTable(std::string_view text) {
  std::vector<std::set<std::string>> keys_by_depth;
  std::optional<std::string> duplicate;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    size_t d = static_cast<size_t>(depth);
    if (event == Json::parse_event_t::object_start) {
      if (keys_by_depth.size() < d + 2) {
        keys_by_depth.resize(d + 2);
      }
      keys_by_depth[d + 1].clear();
    } else if (event == Json::parse_event_t::key && d < keys_by_depth.size()) {
      if (!keys_by_depth[d].insert(parsed.get<std::string>()).second && !duplicate) {
        duplicate = parsed.get<std::string>();
      }
    }
    return true;
  };
  Json table;
  try {
    table = Json::parse(text, callback);
  } catch (const Json::exception& e) {
    Fail(std::string("tensor table is not valid JSON: ") + e.what());
  }
  if (duplicate) {
    Fail("tensor table repeats the key " + Quoted(*duplicate));
  }
  if (!table.is_object()) {
    Fail("tensor table is not a JSON object");
  }
  return table;
}

uint64_t RequireUnsigned(const Json& value, const std::string& what) {
  if (!value.is_number_unsigned()) {
    Fail(what + " is not a non-negative integer");
  }
  return value.get<uint64_t>();
}

struct Entry {
  std::string name;
  DType dtype = DType::kU8;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

Entry ParseEntry(const std::string& name, const Json& value, uint64_t data_size) {
  const std::string where = "tensor " + Quoted(name);
  if (!value.is_object()) {
    Fail(where + " is not a JSON object");
  }
  if (value.size() != 3 || !value.contains("dtype") || !value.contains("shape") ||
      !value.contains("data_offsets")) {
    Fail(where + " must have exactly the keys dtype, shape and data_offsets");
  }
  Entry entry;
  entry.name = name;
  const Json& dtype = value["dtype"];
  if (!dtype.is_string()) {
    Fail(where + ": dtype is not a string");
  }
  std::optional<DType> parsed_dtype = ParseDType(dtype.get_ref<const std::string&>());
  if (!parsed_dtype) {
    Fail(where + ": unknown dtype " + Quoted(dtype.get<std::string>()));
  }
  entry.dtype = *parsed_dtype;

  const Json& shape = value["shape"];
  if (!shape.is_array()) {
    Fail(where + ": shape is not an array");
  }
  // The product of the non-zero extents must fit in int64, so that
  // Tensor::NumElements cannot overflow whatever the order of the extents.
  uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const Json& dim : shape) {
    uint64_t extent = RequireUnsigned(dim, where + ": a shape extent");
    if (extent == 0) {
      has_zero = true;
    } else if (__builtin_mul_overflow(nonzero_product, extent, &nonzero_product) ||
               nonzero_product > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Fail(where + ": shape has too many elements");
    }
    entry.shape.push_back(static_cast<int64_t>(extent));
  }

  const Json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) {
    Fail(where + ": data_offsets is not a [begin, end] pair");
  }
  entry.begin = RequireUnsigned(offsets[0], where + ": data_offsets begin");
  entry.end = RequireUnsigned(offsets[1], where + ": data_offsets end");
  if (entry.begin > entry.end || entry.end > data_size) {
    Fail(where + ": data_offsets [" + std::to_string(entry.begin) + ", " +
         std::to_string(entry.end) + "] are outside the " + std::to_string(data_size) +
         "-byte data section");
  }
  uint64_t elements = has_zero ? 0 : nonzero_product;
  uint64_t span = entry.end - entry.begin;
  uint64_t expected_bytes = 0;
  if (__builtin_mul_overflow(elements, DTypeSize(entry.dtype), &expected_bytes) ||
      expected_bytes != span) {
    Fail(where + ": " + std::to_string(elements) + " elements of dtype " + DTypeName(entry.dtype) +
         " do not fit the " + std::to_string(span) + " bytes of its data_offsets");
  }
  return entry;
}

}  // namespace

std::vector<uint8_t> EncodeTensorMap(const TensorMap& tensors) {
  // Widest elements first, so each array starts naturally aligned in the
  // 8-aligned data section without padding between arrays (safetensors
  // readers refuse holes).
  std::vector<const std::pair<const std::string, Tensor>*> order;
  for (const auto& item : tensors.tensors()) {
    if (item.first == kMetadataKey) {
      Fail("a tensor may not be named __metadata__");
    }
    order.push_back(&item);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return DTypeSize(a->second.dtype) > DTypeSize(b->second.dtype);
  });

  nlohmann::ordered_json table = nlohmann::ordered_json::object();
  if (!tensors.metadata().empty()) {
    nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
    for (const auto& [key, value] : tensors.metadata()) {
      metadata[key] = value;
    }
    table[std::string(kMetadataKey)] = std::move(metadata);
  }
  uint64_t offset = 0;
  for (const auto* item : order) {
    const Tensor& t = item->second;
    table[item->first] = {{"dtype", DTypeName(t.dtype)},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string header;
  try {
    header = table.dump();
  } catch (const nlohmann::ordered_json::exception& e) {
    Fail(std::string("cannot encode the tensor table: ") + e.what());
  }
  header.append((kHeaderAlignment - header.size() % kHeaderAlignment) % kHeaderAlignment, ' ');

  std::vector<uint8_t> out;
  out.reserve(kHeaderLengthBytes + header.size() + offset);
  uint64_t header_len = header.size();
  for (size_t i = 0; i < kHeaderLengthBytes; ++i) {
    out.push_back(static_cast<uint8_t>(header_len >> (8 * i)));
  }
  out.insert(out.end(), header.begin(), header.end());
  for (const auto* item : order) {
    out.insert(out.end(), item->second.bytes.begin(), item->second.bytes.end());
  }
  return out;
}

TensorMap DecodeTensorMap(std::span<const uint8_t> bytes) {
  if (bytes.size() < kHeaderLengthBytes) {
    Fail("payload of " + std::to_string(bytes.size()) +
         " bytes is too short for the 8-byte table length");
  }
  uint64_t header_len = LoadLe64(bytes.data());
  uint64_t after = bytes.size() - kHeaderLengthBytes;
  if (header_len > after) {
    Fail("table length " + std::to_string(header_len) + " exceeds the " + std::to_string(after) +
         " bytes that follow it");
  }
  std::string_view text(reinterpret_cast<const char*>(bytes.data()) + kHeaderLengthBytes,
                        static_cast<size_t>(header_len));
  Json table = ParseTable(text);
  std::span<const uint8_t> data = bytes.subspan(kHeaderLengthBytes + header_len);

  TensorMap out;
  std::vector<Entry> entries;
  for (const auto& [key, value] : table.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object()) {
        Fail("__metadata__ is not a JSON object");
      }
      for (const auto& [meta_key, meta_value] : value.items()) {
        if (!meta_value.is_string()) {
          Fail("__metadata__ value " + Quoted(meta_key) + " is not a string");
        }
        out.metadata()[meta_key] = meta_value.get<std::string>();
      }
      continue;
    }
    entries.push_back(ParseEntry(key, value, data.size()));
  }
  // The arrays must tile the data section exactly: no overlap, no hole, no
  // trailing bytes.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const Entry& entry : entries) {
    if (entry.begin != expected) {
      Fail("tensor " + Quoted(entry.name) + " starts at byte " + std::to_string(entry.begin) +
           " but the previous array ends at byte " + std::to_string(expected) +
           " (overlap or hole)");
    }
    expected = entry.end;
  }
  if (expected != data.size()) {
    Fail("the data section has " + std::to_string(data.size() - expected) +
         " trailing bytes that belong to no tensor");
  }
  for (Entry& entry : entries) {
    Tensor tensor;
    tensor.dtype = entry.dtype;
    tensor.shape = std::move(entry.shape);
    tensor.bytes.assign(data.begin() + static_cast<ptrdiff_t>(entry.begin),
                        data.begin() + static_cast<ptrdiff_t>(entry.end));
    out.PutTensor(entry.name, std::move(tensor));
  }
  return out;
}

}  // namespace recotem
