#include "recotem/core/id_map.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace recotem {

namespace {

constexpr size_t kMinSlots = 16;

}  // namespace

IdMap::IdMap(const std::vector<std::string>& ids) {
  ids_.reserve(ids.size());
  for (const std::string& id : ids) {
    const int32_t before = size();
    if (GetOrAdd(id) != before) throw std::invalid_argument("duplicate id in IdMap");
  }
}

uint64_t IdMap::HashOf(std::string_view id) {
  // std::hash's low bits pick the slot: mix the high bits in (splitmix64's
  // finaliser) so similar ids do not crowd neighbouring slots.
  uint64_t h = std::hash<std::string_view>{}(id);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

bool IdMap::Matches(const Slot& slot, uint64_t hash, std::string_view id) const {
  if (slot.hash != hash) return false;
  if (id.size() <= kInlineBytes) {
    return slot.length == id.size() && std::equal(id.begin(), id.end(), slot.bytes);
  }
  return ids_[static_cast<size_t>(slot.index)] == id;
}

size_t IdMap::Probe(std::string_view id, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  size_t pos = static_cast<size_t>(hash) & mask;
  while (slots_[pos].index >= 0 && !Matches(slots_[pos], hash, id)) pos = (pos + 1) & mask;
  return pos;
}

void IdMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kMinSlots : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.index < 0) continue;
    size_t pos = static_cast<size_t>(slot.hash) & mask;
    while (slots_[pos].index >= 0) pos = (pos + 1) & mask;
    slots_[pos] = slot;
  }
}

int32_t IdMap::GetOrAdd(std::string_view id) {
  if ((ids_.size() + 1) * 2 > slots_.size()) Grow();
  const uint64_t hash = HashOf(id);
  const size_t pos = Probe(id, hash);
  if (slots_[pos].index >= 0) return slots_[pos].index;
  const auto index = static_cast<int32_t>(ids_.size());
  ids_.emplace_back(id);
  Slot& slot = slots_[pos];
  slot.hash = hash;
  slot.index = index;
  // Longer ids keep length 0: Matches compares them with ids_.
  if (id.size() <= kInlineBytes) {
    slot.length = static_cast<uint8_t>(id.size());
    std::copy(id.begin(), id.end(), slot.bytes);
  }
  return index;
}

std::optional<int32_t> IdMap::Find(std::string_view id) const {
  if (slots_.empty()) return std::nullopt;
  const size_t pos = Probe(id, HashOf(id));
  if (slots_[pos].index < 0) return std::nullopt;
  return slots_[pos].index;
}

}  // namespace recotem
