// IdMap: external string id ↔ dense index, both ways. Indices are assigned
// in first-seen order, which makes them deterministic for a given input.
// The id → index direction is an open-addressing table of (hash, index,
// short id) slots over the id list itself: one probe usually touches one
// slot, where a node-based map chased a pointer and then the string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

class IdMap {
 public:
  IdMap() = default;
  explicit IdMap(const std::vector<std::string>& ids);  // throws on duplicates

  // Index of `id`, inserting it at the end when new.
  int32_t GetOrAdd(std::string_view id);
  std::optional<int32_t> Find(std::string_view id) const;
  const std::string& IdAt(int32_t index) const { return ids_[static_cast<size_t>(index)]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  // Ids of up to kInlineBytes bytes (most numeric and short ids) are also
  // kept in the slot, so a lookup compares them without reading ids_.
  static constexpr size_t kInlineBytes = 11;
  struct Slot {
    uint64_t hash = 0;
    int32_t index = -1;  // -1: empty
    uint8_t length = 0;  // id length when ≤ kInlineBytes
    char bytes[kInlineBytes] = {};
  };
  bool Matches(const Slot& slot, uint64_t hash, std::string_view id) const;
  static uint64_t HashOf(std::string_view id);
  // The slot holding `id`, or the empty slot where it would go.
  size_t Probe(std::string_view id, uint64_t hash) const;
  void Grow();

  std::vector<std::string> ids_;
  std::vector<Slot> slots_;  // size: a power of two, at most half full
};

}  // namespace recotem
