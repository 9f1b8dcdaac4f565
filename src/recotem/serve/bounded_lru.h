// BoundedLru: a map with a fixed capacity that evicts the least recently
// used entry. Shared by the verified-API-key cache and the anonymous
// first-seen host set (auth.md §5.3). Not thread-safe: owners lock.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace recotem::serve {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class BoundedLru {
 public:
  // `capacity` of 0 is treated as 1.
  explicit BoundedLru(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The value of `key`, marking it most recently used; nullptr when absent.
  // The pointer is valid until the next Put.
  Value* Get(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Inserts or overwrites `key` as most recently used. Returns true when the
  // key was not present before. Evicts the least recently used entry when a
  // new key would exceed the capacity.
  bool Put(const Key& key, Value value) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return false;
    }
    if (order_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    return true;
  }

  bool Contains(const Key& key) const { return index_.count(key) > 0; }
  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<Key, Value>;
  size_t capacity_;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

}  // namespace recotem::serve
