#include "recotem/tune/split.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "recotem/core/errors.h"

namespace recotem::tune {

namespace {

// Largest second seed drawn in the random scheme (training.md §8.2 step 8:
// an integer in [0, 2^31 − 1), NumPy's `randint(0, 2**31 - 1, dtype=int32)`).
constexpr uint32_t kSecondSeedMax = 2147483646u;

[[noreturn]] void SplitFail(const std::string& message) {
  throw TrainingError(message, kCodeSplitError);
}

std::mt19937 MakeRng(int64_t seed) {
  if (seed >= 0 && seed <= static_cast<int64_t>(UINT32_MAX)) {
    return std::mt19937(static_cast<uint32_t>(seed));
  }
  auto bits = static_cast<uint64_t>(seed);
  std::seed_seq seq{static_cast<uint32_t>(bits), static_cast<uint32_t>(bits >> 32)};
  return std::mt19937(seq);
}

// NumPy's legacy `random_interval`: a uniform integer in [0, max], drawn by
// masking each 32-bit output to the smallest covering power of two and
// rejecting values above `max`.
uint32_t NumPyInterval(std::mt19937& rng, uint32_t max) {
  if (max == 0) return 0;
  const uint32_t mask = UINT32_MAX >> std::countl_zero(max);
  for (;;) {
    auto value = static_cast<uint32_t>(rng() & mask);
    if (value <= max) return value;
  }
}

// NumPy's legacy `RandomState.shuffle` of a one-dimensional array.
template <typename T>
void NumPyShuffle(std::vector<T>& values, std::mt19937& rng) {
  for (size_t i = values.size(); i > 1; --i) {
    size_t j = NumPyInterval(rng, static_cast<uint32_t>(i - 1));
    std::swap(values[i - 1], values[j]);
  }
}

// floor(n × ratio) with the spec's double arithmetic (100 × 0.29 → 28).
int64_t FloorTimes(int64_t n, double ratio) {
  return static_cast<int64_t>(std::floor(static_cast<double>(n) * ratio));
}

// Column and row bookkeeping shared by the schemes.
struct Layout {
  std::vector<int32_t> column_items;  // column → item index (sorted by id)
  std::vector<int32_t> item_column;   // item index → column
};

Layout SortedItemColumns(const Interactions& data) {
  std::vector<char> present(static_cast<size_t>(data.items.size()), 0);
  for (int32_t item : data.item_index) present[static_cast<size_t>(item)] = 1;
  Layout layout;
  for (int32_t i = 0; i < data.items.size(); ++i) {
    if (present[static_cast<size_t>(i)]) layout.column_items.push_back(i);
  }
  std::sort(layout.column_items.begin(), layout.column_items.end(),
            [&](int32_t a, int32_t b) { return data.items.IdAt(a) < data.items.IdAt(b); });
  layout.item_column.assign(static_cast<size_t>(data.items.size()), -1);
  for (size_t c = 0; c < layout.column_items.size(); ++c) {
    layout.item_column[static_cast<size_t>(layout.column_items[c])] = static_cast<int32_t>(c);
  }
  return layout;
}

void SortByUserId(const Interactions& data, std::vector<int32_t>& users) {
  std::sort(users.begin(), users.end(),
            [&](int32_t a, int32_t b) { return data.users.IdAt(a) < data.users.IdAt(b); });
}

std::vector<int32_t> UsersInFirstAppearanceOrder(const Interactions& data) {
  std::vector<char> seen(static_cast<size_t>(data.users.size()), 0);
  std::vector<int32_t> users;
  for (int32_t u : data.user_index) {
    if (!seen[static_cast<size_t>(u)]) {
      seen[static_cast<size_t>(u)] = 1;
      users.push_back(u);
    }
  }
  return users;
}

// Row indices of `data`, grouped by user, keeping the first row of every
// (user, item) pair; within a user rows stay in source order.
std::vector<std::vector<int64_t>> FirstRowPerPairByUser(const Interactions& data) {
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(data.users.size()));
  for (int64_t r = 0; r < data.n_rows(); ++r) rows[data.user_index[r]].push_back(r);
  std::vector<int64_t> last_seen(static_cast<size_t>(data.items.size()), -1);
  for (size_t u = 0; u < rows.size(); ++u) {
    std::vector<int64_t>& user_rows = rows[u];
    size_t kept = 0;
    for (int64_t r : user_rows) {
      int32_t item = data.item_index[r];
      // last_seen marks the user that last claimed the item (rows of one
      // user are contiguous here), so it needs no reset between users.
      if (last_seen[static_cast<size_t>(item)] == static_cast<int64_t>(u)) continue;
      last_seen[static_cast<size_t>(item)] = static_cast<int64_t>(u);
      user_rows[kept++] = r;
    }
    user_rows.resize(kept);
  }
  return rows;
}

// Accumulates (row, column, value) triplets of one output matrix.
struct TripletBuilder {
  std::vector<int32_t> rows, cols;
  std::vector<float> vals;
  void Add(int32_t r, int32_t c, float v) {
    rows.push_back(r);
    cols.push_back(c);
    vals.push_back(v);
  }
  CsrMatrix Build(int32_t n_rows, int32_t n_cols) const {
    return CsrMatrix::FromTriplets(n_rows, n_cols, rows, cols, vals);
  }
};

// How the random and time_user schemes hold out items of one validation
// user: given the user's deduplicated rows (source order), returns the rows
// that are held out.
using HoldOut = std::vector<int64_t> (*)(const Interactions&, const Layout&, std::vector<int64_t>,
                                         double, std::mt19937&);

std::vector<int64_t> HoldOutMostRecent(const Interactions& data, const Layout& /*layout*/,
                                       std::vector<int64_t> rows, double heldout_ratio,
                                       std::mt19937& /*rng*/) {
  const std::vector<int64_t>& time = *data.time_ns;
  std::stable_sort(rows.begin(), rows.end(),
                   [&](int64_t a, int64_t b) { return time[a] < time[b]; });
  int64_t n_test = FloorTimes(static_cast<int64_t>(rows.size()), heldout_ratio);
  return {rows.end() - n_test, rows.end()};
}

std::vector<int64_t> HoldOutRandom(const Interactions& data, const Layout& layout,
                                   std::vector<int64_t> rows, double heldout_ratio,
                                   std::mt19937& rng) {
  // Entries in ascending column order, then the original's shuffle of their
  // positions: libstdc++'s std::shuffle with a std::mt19937 (the swap sequence
  // depends only on the length and the generator).
  std::sort(rows.begin(), rows.end(), [&](int64_t a, int64_t b) {
    return layout.item_column[data.item_index[a]] < layout.item_column[data.item_index[b]];
  });
  std::shuffle(rows.begin(), rows.end(), rng);
  int64_t n_test = FloorTimes(static_cast<int64_t>(rows.size()), heldout_ratio);
  rows.resize(static_cast<size_t>(n_test));
  return rows;
}

// training.md §8.1 (time_user, HoldOutMostRecent) and §8.2 (random,
// HoldOutRandom): a shuffled fraction of users is validated, each of them
// holds out a fraction of its deduplicated interactions.
TrainValidationSplit SplitPerUser(const Interactions& data, const SplitOptions& options,
                                  HoldOut hold_out) {
  const bool random_scheme = hold_out == &HoldOutRandom;
  Layout layout = SortedItemColumns(data);
  std::vector<int32_t> users = UsersInFirstAppearanceOrder(data);
  const int64_t n_val = FloorTimes(static_cast<int64_t>(users.size()), options.test_user_ratio);
  std::vector<std::vector<int64_t>> rows_of = FirstRowPerPairByUser(data);

  std::mt19937 rng = MakeRng(options.seed);
  NumPyShuffle(users, rng);
  std::vector<int32_t> training_users(users.begin() + n_val, users.end());
  std::vector<int32_t> validation_users(users.begin(), users.begin() + n_val);
  SortByUserId(data, validation_users);
  std::mt19937 holdout_rng;
  if (random_scheme) holdout_rng = std::mt19937(NumPyInterval(rng, kSecondSeedMax));

  TrainValidationSplit out;
  out.column_items = layout.column_items;
  out.row_users = training_users;
  out.row_users.insert(out.row_users.end(), validation_users.begin(), validation_users.end());
  out.val_offset = static_cast<int64_t>(training_users.size());
  TripletBuilder train, validation;
  for (size_t r = 0; r < out.row_users.size(); ++r) {
    const std::vector<int64_t>& rows = rows_of[out.row_users[r]];
    auto row = static_cast<int32_t>(r);
    if (static_cast<int64_t>(r) < out.val_offset) {
      for (int64_t k : rows) train.Add(row, layout.item_column[data.item_index[k]], 1.0f);
      continue;
    }
    out.validation_users.push_back(row);
    std::vector<int64_t> test = hold_out(data, layout, rows, options.heldout_ratio, holdout_rng);
    std::sort(test.begin(), test.end());
    for (int64_t k : rows) {
      bool held = std::binary_search(test.begin(), test.end(), k);
      (held ? validation : train).Add(row, layout.item_column[data.item_index[k]], 1.0f);
    }
  }
  auto n_rows = static_cast<int32_t>(out.row_users.size());
  auto n_cols = static_cast<int32_t>(layout.column_items.size());
  out.train = train.Build(n_rows, n_cols);
  out.validation = validation.Build(n_rows, n_cols);
  return out;
}

// The (1 − heldout_ratio) quantile of the times with linear interpolation
// between order statistics (training.md §8.3 step 2), in long double so
// nanosecond instants keep their precision.
long double TimeQuantile(std::vector<int64_t> times, double q) {
  std::sort(times.begin(), times.end());
  long double h = static_cast<long double>(times.size() - 1) * q;
  auto lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= times.size()) return static_cast<long double>(times.back());
  long double frac = h - static_cast<long double>(lo);
  return static_cast<long double>(times[lo]) +
         frac * static_cast<long double>(times[lo + 1] - times[lo]);
}

// training.md §8.3, except step 7: every validatable user not assigned to
// training is a validation user (the original drops some through
// floating-point error).
TrainValidationSplit SplitTimeGlobal(const Interactions& data, const SplitOptions& options) {
  const std::vector<int64_t>& time = *data.time_ns;
  const long double cut = TimeQuantile(time, 1.0 - options.heldout_ratio);
  std::vector<char> flagged(time.size(), 0);
  std::vector<char> validatable_flag(static_cast<size_t>(data.users.size()), 0);
  bool any_flagged = false;
  for (size_t r = 0; r < time.size(); ++r) {
    if (static_cast<long double>(time[r]) >= cut) {
      flagged[r] = 1;
      validatable_flag[data.user_index[r]] = 1;
      any_flagged = true;
    }
  }
  if (!any_flagged) SplitFail("time_global split: no interaction at or after the cut time");

  std::vector<int32_t> all_users = UsersInFirstAppearanceOrder(data);
  SortByUserId(data, all_users);
  std::vector<int32_t> validatable;
  for (int32_t u : all_users) {
    if (validatable_flag[static_cast<size_t>(u)]) validatable.push_back(u);
  }
  // role: 0 = training matrix only, 1 = validation user.
  std::vector<char> is_validation(static_cast<size_t>(data.users.size()), 0);
  for (int32_t u : validatable) is_validation[static_cast<size_t>(u)] = 1;
  const double ratio_train = 1.0 - options.test_user_ratio;
  if (1.0 - ratio_train < 1.0) {
    std::mt19937 rng = MakeRng(options.seed);
    std::vector<int32_t> shuffled = validatable;
    NumPyShuffle(shuffled, rng);
    int64_t n_train = FloorTimes(static_cast<int64_t>(shuffled.size()), ratio_train);
    for (int64_t k = 0; k < n_train; ++k) is_validation[shuffled[k]] = 0;
  }

  Layout layout = SortedItemColumns(data);
  TrainValidationSplit out;
  out.column_items = layout.column_items;
  for (int32_t u : all_users) {
    if (!is_validation[static_cast<size_t>(u)]) out.row_users.push_back(u);
  }
  out.val_offset = static_cast<int64_t>(out.row_users.size());
  for (int32_t u : all_users) {
    if (is_validation[static_cast<size_t>(u)]) out.row_users.push_back(u);
  }
  std::vector<int32_t> user_row(static_cast<size_t>(data.users.size()), -1);
  for (size_t r = 0; r < out.row_users.size(); ++r) {
    user_row[out.row_users[r]] = static_cast<int32_t>(r);
  }
  for (int64_t r = out.val_offset; r < static_cast<int64_t>(out.row_users.size()); ++r) {
    out.validation_users.push_back(static_cast<int32_t>(r));
  }
  TripletBuilder train, validation;
  for (int64_t r = 0; r < data.n_rows(); ++r) {
    int32_t u = data.user_index[r];
    bool held = is_validation[static_cast<size_t>(u)] && flagged[r];
    (held ? validation : train).Add(user_row[u], layout.item_column[data.item_index[r]], 1.0f);
  }
  auto n_rows = static_cast<int32_t>(out.row_users.size());
  auto n_cols = static_cast<int32_t>(layout.column_items.size());
  out.train = train.Build(n_rows, n_cols);
  out.validation = validation.Build(n_rows, n_cols);
  return out;
}

void CheckInput(const Interactions& data, const SplitOptions& options) {
  if (!(options.heldout_ratio > 0.0 && options.heldout_ratio < 1.0)) {
    SplitFail("heldout_ratio must be in (0, 1), got " + std::to_string(options.heldout_ratio));
  }
  if (!(options.test_user_ratio > 0.0 && options.test_user_ratio <= 1.0)) {
    SplitFail("test_user_ratio must be in (0, 1], got " + std::to_string(options.test_user_ratio));
  }
  if (data.user_index.size() != data.item_index.size() ||
      (data.time_ns && data.time_ns->size() != data.user_index.size())) {
    SplitFail("interaction columns differ in length");
  }
  if (data.n_rows() == 0) SplitFail("cannot split an empty dataset");
  for (int64_t r = 0; r < data.n_rows(); ++r) {
    if (data.user_index[r] < 0 || data.user_index[r] >= data.users.size() ||
        data.item_index[r] < 0 || data.item_index[r] >= data.items.size()) {
      SplitFail("interaction " + std::to_string(r) + " has an index outside the id maps");
    }
  }
}

}  // namespace

TrainValidationSplit SplitInteractions(const Interactions& data, const SplitOptions& options) {
  CheckInput(data, options);
  const bool has_time = data.time_ns.has_value();
  TrainValidationSplit out;
  if (options.scheme == kSplitRandom) {
    // recipe.md quirk D1: a configured time column turns `random` into the
    // per-user time split.
    out = SplitPerUser(data, options, has_time ? &HoldOutMostRecent : &HoldOutRandom);
  } else if (options.scheme == kSplitTimeUser || options.scheme == kSplitTimeGlobal) {
    if (!has_time) SplitFail("split scheme " + options.scheme + " needs a time column");
    out = options.scheme == kSplitTimeUser ? SplitPerUser(data, options, &HoldOutMostRecent)
                                           : SplitTimeGlobal(data, options);
  } else {
    SplitFail("unknown split scheme '" + options.scheme + "'");
  }
  if (out.validation.nnz() == 0) SplitFail("empty held-out test set");
  return out;
}

}  // namespace recotem::tune
