// Interactions: cleansed user–item events after id mapping — the input of
// the train/validation split and of the final refit. Row order is the order
// the source returned (after cleansing); it never depends on hash order.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "recotem/core/id_map.h"

namespace recotem {

struct Interactions {
  IdMap users;
  IdMap items;
  std::vector<int32_t> user_index;  // one per row
  std::vector<int32_t> item_index;  // one per row
  // UTC instants in nanoseconds since the epoch, one per row, when the
  // recipe names a time column.
  std::optional<std::vector<int64_t>> time_ns;

  int64_t n_rows() const { return static_cast<int64_t>(user_index.size()); }
};

}  // namespace recotem
