#include "recotem/artifact/model_bundle.h"

#include <limits>
#include <new>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "recotem/artifact/payload_codec.h"
#include "recotem/core/errors.h"
#include "recotem/core/strings.h"

namespace recotem {
namespace {

// The payload schema, version 1 (closed: a decoder refuses anything else).
//   __metadata__: format, format_version, class, params (JSON of params())
//   users.id_bytes U8[B] + users.id_offsets I64[n_users+1]   (same for items)
//   seen.indptr I64[n_users+1], seen.indices I32[nnz], seen.values F32[nnz]
//   model.<name>: the tensors the Recommender saved, under its own names
constexpr const char* kFormatKey = "format";
constexpr const char* kFormatName = "recotem.model_bundle";
constexpr const char* kFormatVersionKey = "format_version";
constexpr const char* kFormatVersion = "1";
constexpr const char* kClassKey = "class";
constexpr const char* kParamsKey = "params";

constexpr const char* kUsersPrefix = "users";
constexpr const char* kItemsPrefix = "items";
constexpr const char* kIdBytesSuffix = ".id_bytes";
constexpr const char* kIdOffsetsSuffix = ".id_offsets";
constexpr const char* kSeenIndptr = "seen.indptr";
constexpr const char* kSeenIndices = "seen.indices";
constexpr const char* kSeenValues = "seen.values";
constexpr std::string_view kModelPrefix = "model.";

[[noreturn]] void FailDecode(const std::string& why) {
  throw ArtifactError("deserialization failed: " + why);
}

void PutIds(TensorMap& out, const std::string& prefix, const IdMap& ids) {
  std::vector<uint8_t> bytes;
  std::vector<int64_t> offsets = {0};
  offsets.reserve(static_cast<size_t>(ids.size()) + 1);
  for (const std::string& id : ids.ids()) {
    bytes.insert(bytes.end(), id.begin(), id.end());
    offsets.push_back(static_cast<int64_t>(bytes.size()));
  }
  out.Put<uint8_t>(prefix + kIdBytesSuffix, bytes);
  out.Put<int64_t>(prefix + kIdOffsetsSuffix, offsets);
}

IdMap GetIds(const TensorMap& in, const std::string& prefix) {
  std::vector<uint8_t> bytes = in.Get<uint8_t>(prefix + kIdBytesSuffix, {-1});
  std::vector<int64_t> offsets = in.Get<int64_t>(prefix + kIdOffsetsSuffix, {-1});
  if (offsets.empty() || offsets.front() != 0 ||
      offsets.back() != static_cast<int64_t>(bytes.size())) {
    FailDecode(prefix + kIdOffsetsSuffix + " does not span " + prefix + kIdBytesSuffix);
  }
  if (offsets.size() - 1 > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    FailDecode(prefix + " has more ids than an int32 index can address");
  }
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    if (offsets[i + 1] < offsets[i]) {
      FailDecode(prefix + kIdOffsetsSuffix + " decreases at index " + std::to_string(i + 1));
    }
  }
  std::vector<std::string> ids;
  ids.reserve(offsets.size() - 1);
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    std::string id(bytes.begin() + offsets[i], bytes.begin() + offsets[i + 1]);
    if (!IsValidUtf8(id)) {
      FailDecode(prefix + " id " + std::to_string(i) + " is not valid UTF-8");
    }
    ids.push_back(std::move(id));
  }
  try {
    return IdMap(std::move(ids));
  } catch (const std::invalid_argument&) {
    FailDecode(prefix + " contains a duplicated id");
  }
}

bool IsBundleTensor(const std::string& name) {
  static const std::set<std::string> kNames = {std::string(kUsersPrefix) + kIdBytesSuffix,
                                               std::string(kUsersPrefix) + kIdOffsetsSuffix,
                                               std::string(kItemsPrefix) + kIdBytesSuffix,
                                               std::string(kItemsPrefix) + kIdOffsetsSuffix,
                                               kSeenIndptr,
                                               kSeenIndices,
                                               kSeenValues};
  return kNames.count(name) > 0;
}

const std::string& RequireMetadata(const TensorMap& tensors, const char* key) {
  auto it = tensors.metadata().find(key);
  if (it == tensors.metadata().end()) {
    FailDecode(std::string("metadata has no '") + key + "'");
  }
  return it->second;
}

std::string AllowedClasses(const AlgorithmRegistry& registry) {
  std::string out;
  for (const AlgorithmInfo& info : registry.algorithms()) {
    if (!out.empty()) {
      out += ", ";
    }
    out += info.class_name;
  }
  return out;
}

ModelBundle DecodeAllowedClass(std::span<const uint8_t> payload, std::string_view best_class,
                               const AlgorithmInfo& info) {
  TensorMap tensors = DecodeTensorMap(payload);
  for (const auto& [key, value] : tensors.metadata()) {
    if (key != kFormatKey && key != kFormatVersionKey && key != kClassKey && key != kParamsKey) {
      FailDecode("unknown metadata key '" + key + "'");
    }
  }
  if (RequireMetadata(tensors, kFormatKey) != kFormatName) {
    FailDecode("payload format is not " + std::string(kFormatName));
  }
  const std::string& version = RequireMetadata(tensors, kFormatVersionKey);
  if (version != kFormatVersion) {
    FailDecode("payload format_version '" + version + "' is not supported by this build (" +
               kFormatVersion + ")");
  }
  const std::string& payload_class = RequireMetadata(tensors, kClassKey);
  if (payload_class != best_class) {
    FailDecode("payload class '" + payload_class + "' does not match header best_class '" +
               std::string(best_class) + "'");
  }
  HyperParams params = HyperParams::parse(RequireMetadata(tensors, kParamsKey));
  if (!params.is_object()) {
    FailDecode("params metadata is not a JSON object");
  }

  TensorMap model_tensors;
  for (const auto& [name, tensor] : tensors.tensors()) {
    if (name.compare(0, kModelPrefix.size(), kModelPrefix) == 0) {
      model_tensors.PutTensor(name.substr(kModelPrefix.size()), tensor);
    } else if (!IsBundleTensor(name)) {
      FailDecode("unknown tensor '" + name + "'");
    }
  }

  ModelBundle bundle;
  bundle.users = GetIds(tensors, kUsersPrefix);
  bundle.items = GetIds(tensors, kItemsPrefix);
  CsrMatrix& seen = bundle.seen;
  seen.n_rows = bundle.users.size();
  seen.n_cols = bundle.items.size();
  seen.indptr = tensors.Get<int64_t>(kSeenIndptr, {int64_t{seen.n_rows} + 1});
  seen.indices = tensors.Get<int32_t>(kSeenIndices, {-1});
  seen.values = tensors.Get<float>(kSeenValues, {static_cast<int64_t>(seen.indices.size())});
  seen.Validate();

  bundle.model = info.create(params);
  if (bundle.model == nullptr || bundle.model->class_name() != best_class) {
    FailDecode("the factory of " + std::string(best_class) + " built another class");
  }
  bundle.model->Load(model_tensors, bundle.items.size());
  if (bundle.model->n_items() != bundle.items.size()) {
    FailDecode("the model scores " + std::to_string(bundle.model->n_items()) + " items, the " +
               "item map has " + std::to_string(bundle.items.size()));
  }
  return bundle;
}

}  // namespace

std::vector<uint8_t> EncodePayload(const ModelBundle& bundle) {
  auto fail = [](const std::string& why) -> void {
    throw ArtifactError("payload encode failed: " + why);
  };
  if (bundle.model == nullptr) {
    fail("the bundle has no model");
  }
  if (bundle.seen.n_rows != bundle.users.size() || bundle.seen.n_cols != bundle.items.size()) {
    fail("the seen matrix is not users × items");
  }
  if (bundle.model->n_items() != bundle.items.size()) {
    fail("the model does not score every item of the item map");
  }
  TensorMap model_tensors;
  bundle.model->Save(model_tensors);

  TensorMap out;
  out.metadata()[kFormatKey] = kFormatName;
  out.metadata()[kFormatVersionKey] = kFormatVersion;
  out.metadata()[kClassKey] = bundle.model->class_name();
  out.metadata()[kParamsKey] = bundle.model->params().dump();
  PutIds(out, kUsersPrefix, bundle.users);
  PutIds(out, kItemsPrefix, bundle.items);
  out.Put<int64_t>(kSeenIndptr, bundle.seen.indptr);
  out.Put<int32_t>(kSeenIndices, bundle.seen.indices);
  out.Put<float>(kSeenValues, bundle.seen.values);
  for (const auto& [name, tensor] : model_tensors.tensors()) {
    out.PutTensor(std::string(kModelPrefix) + name, tensor);
  }
  return EncodeTensorMap(out);
}

ModelBundle DecodePayload(std::span<const uint8_t> payload, std::string_view best_class,
                          const AlgorithmRegistry& registry) {
  const AlgorithmInfo* info = registry.Find(best_class);
  if (info == nullptr) {
    throw ArtifactError("class not allowed: " + std::string(best_class) +
                        "; only the algorithm classes registered in this build can be loaded (" +
                        AllowedClasses(registry) + ")");
  }
  try {
    return DecodeAllowedClass(payload, best_class, *info);
  } catch (const ArtifactError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;  // out of memory is not a corrupt payload (security.md §5)
  } catch (const std::exception& e) {
    FailDecode(e.what());
  }
}

}  // namespace recotem
