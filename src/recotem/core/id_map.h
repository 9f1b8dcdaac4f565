// IdMap: external string id ↔ dense index, both ways. Indices are assigned
// in first-seen order, which makes them deterministic for a given input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace recotem {

class IdMap {
 public:
  IdMap() = default;
  explicit IdMap(std::vector<std::string> ids);  // throws on duplicates

  // Index of `id`, inserting it at the end when new.
  int32_t GetOrAdd(std::string_view id);
  std::optional<int32_t> Find(std::string_view id) const;
  const std::string& IdAt(int32_t index) const { return ids_[static_cast<size_t>(index)]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> index_;
};

}  // namespace recotem
