#include "recotem/core/id_map.h"

#include <stdexcept>

namespace recotem {

IdMap::IdMap(std::vector<std::string> ids) : ids_(std::move(ids)) {
  index_.reserve(ids_.size());
  for (size_t i = 0; i < ids_.size(); ++i) {
    if (!index_.emplace(ids_[i], static_cast<int32_t>(i)).second) {
      throw std::invalid_argument("duplicate id in IdMap");
    }
  }
}

int32_t IdMap::GetOrAdd(std::string_view id) {
  auto it = index_.find(id);
  if (it != index_.end()) return it->second;
  auto index = static_cast<int32_t>(ids_.size());
  ids_.emplace_back(id);
  index_.emplace(ids_.back(), index);
  return index;
}

std::optional<int32_t> IdMap::Find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace recotem
