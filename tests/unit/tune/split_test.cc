#include "recotem/tune/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "recotem/core/errors.h"

namespace recotem::tune {
namespace {

// Builds Interactions from (user id, item id[, time]) rows.
struct Rows {
  Interactions data;
  Rows& Add(const std::string& user, const std::string& item) {
    data.user_index.push_back(data.users.GetOrAdd(user));
    data.item_index.push_back(data.items.GetOrAdd(item));
    return *this;
  }
  Rows& Add(const std::string& user, const std::string& item, int64_t time) {
    if (!data.time_ns) data.time_ns.emplace();
    data.time_ns->push_back(time);
    return Add(user, item);
  }
};

// "<prefix><n>" without operator+ on a temporary (GCC 12 -Wrestrict false
// positive at -O3).
std::string Id(const char* prefix, int n) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%d", prefix, n);
  return buf;
}

// `users` users named u000…, user k has (k % max_items) + 1 items.
Interactions GeneratedData(int users, int max_items) {
  Rows rows;
  for (int u = 0; u < users; ++u) {
    char name[16];
    std::snprintf(name, sizeof(name), "u%03d", u);
    for (int i = 0; i <= u % max_items; ++i) rows.Add(name, Id("i", (u + 7 * i) % 50));
  }
  return rows.data;
}

// (external user, external item) → value, over one matrix of a split.
std::map<std::pair<std::string, std::string>, float> Cells(const Interactions& data,
                                                           const TrainValidationSplit& split,
                                                           const CsrMatrix& m) {
  std::map<std::pair<std::string, std::string>, float> cells;
  for (int32_t r = 0; r < m.n_rows; ++r) {
    auto idx = m.RowIndices(r);
    auto val = m.RowValues(r);
    for (size_t k = 0; k < idx.size(); ++k) {
      cells[{data.users.IdAt(split.row_users[r]), data.items.IdAt(split.column_items[idx[k]])}] =
          val[k];
    }
  }
  return cells;
}

void ExpectEveryUserHasARow(const Interactions& data, const TrainValidationSplit& split) {
  std::set<int32_t> rows(split.row_users.begin(), split.row_users.end());
  EXPECT_EQ(rows.size(), split.row_users.size()) << "a user has two rows";
  EXPECT_EQ(static_cast<int32_t>(rows.size()), data.users.size()) << "a user was dropped";
  EXPECT_EQ(split.train.n_rows, data.users.size());
  EXPECT_EQ(split.validation.n_rows, split.train.n_rows);
}

TEST(SplitRandom, IsDeterministicForAGivenSeed) {
  Interactions data = GeneratedData(200, 30);
  SplitOptions options;
  TrainValidationSplit a = SplitInteractions(data, options);
  TrainValidationSplit b = SplitInteractions(data, options);
  EXPECT_EQ(a.train.indices, b.train.indices);
  EXPECT_EQ(a.validation.indices, b.validation.indices);
  EXPECT_EQ(a.row_users, b.row_users);
  options.seed = 7;
  TrainValidationSplit c = SplitInteractions(data, options);
  EXPECT_NE(Cells(data, a, a.validation), Cells(data, c, c.validation));
}

// The original draws from NumPy's legacy RandomState: expected values below
// come from NumPy 1.24 (`RandomState(42).shuffle` of 943 ids, then
// `randint(0, 2**31 - 1, dtype=int32)` = 1224474429).
Interactions NumberedUsers(int users) {
  Rows rows;
  for (int u = 0; u < users; ++u) {
    char name[16];
    std::snprintf(name, sizeof(name), "u%04d", u);
    for (int i = 0; i < 10; ++i) rows.Add(name, Id("j", i));  // one to hold out
  }
  return rows.data;
}

TEST(SplitRandom, ShufflesUsersExactlyAsNumPysLegacyRandomState) {
  Interactions data = NumberedUsers(943);
  SplitOptions options;
  options.seed = 42;
  options.test_user_ratio = 5.5 / 943;  // floor(943 × r) = 5 validation users
  TrainValidationSplit split = SplitInteractions(data, options);
  ASSERT_EQ(split.val_offset, 938);
  // Validation users: NumPy's first five, sorted.
  std::vector<std::string> validation;
  for (int32_t row : split.validation_users) {
    validation.push_back(data.users.IdAt(split.row_users[static_cast<size_t>(row)]));
  }
  EXPECT_EQ(validation, (std::vector<std::string>{"u0023", "u0030", "u0096", "u0265", "u0810"}));
  // Training users: the rest of NumPy's order, unsorted.
  std::vector<std::string> training;
  for (size_t r = 0; r < 7; ++r) training.push_back(data.users.IdAt(split.row_users[r]));
  EXPECT_EQ(training, (std::vector<std::string>{"u0280", "u0568", "u0259", "u0331", "u0323",
                                                "u0422", "u0467"}));
}

TEST(SplitRandom, HoldsOutWithTheSecondSeedAndTheStandardShuffleLikeTheOriginal) {
  // u0000 has items i00…i19; 942 more users one item each (nothing to hold
  // out, and a one-element shuffle draws nothing). The positions held out
  // come from std::shuffle with std::mt19937(1224474429): 19, then 0.
  Rows rows;
  for (int i = 0; i < 20; ++i) rows.Add("u0000", Id(i < 10 ? "i0" : "i", i));
  for (int u = 1; u < 943; ++u) {
    char name[16];
    std::snprintf(name, sizeof(name), "u%04d", u);
    rows.Add(name, "j");
  }
  SplitOptions options;
  options.seed = 42;
  TrainValidationSplit split = SplitInteractions(rows.data, options);
  std::set<std::string> held;
  for (const auto& [cell, value] : Cells(rows.data, split, split.validation)) {
    held.insert(cell.first + "/" + cell.second);
  }
  EXPECT_EQ(held, (std::set<std::string>{"u0000/i00", "u0000/i19"}));
}

TEST(SplitRandom, HoldsOutFloorOfRatioPerUserAndKeepsEveryPair) {
  Interactions data = GeneratedData(200, 30);
  SplitOptions options;
  options.heldout_ratio = 0.25;
  TrainValidationSplit split = SplitInteractions(data, options);
  ExpectEveryUserHasARow(data, split);
  EXPECT_EQ(split.val_offset, 0);  // test_user_ratio 1: no training-only users
  EXPECT_EQ(split.validation_users.size(), 200u);
  for (int32_t r : split.validation_users) {
    int64_t total = split.train.RowIndices(r).size() + split.validation.RowIndices(r).size();
    EXPECT_EQ(static_cast<int64_t>(split.validation.RowIndices(r).size()),
              static_cast<int64_t>(std::floor(total * 0.25)));
    EXPECT_GE(split.train.RowIndices(r).size(), 1u) << "a validation user keeps a train item";
  }
  auto train = Cells(data, split, split.train);
  auto test = Cells(data, split, split.validation);
  for (const auto& [cell, value] : test) EXPECT_EQ(train.count(cell), 0u);
  EXPECT_EQ(train.size() + test.size(), static_cast<size_t>(data.n_rows()));
}

TEST(SplitRandom, UserWithOneInteractionStaysInTrainingWithNothingHeldOut) {
  Rows rows;
  rows.Add("lonely", "a");
  for (int i = 0; i < 10; ++i) rows.Add("busy", Id("i", i));
  TrainValidationSplit split = SplitInteractions(rows.data, SplitOptions{});
  ExpectEveryUserHasARow(rows.data, split);
  auto train = Cells(rows.data, split, split.train);
  EXPECT_EQ(train.count({"lonely", "a"}), 1u);
  EXPECT_EQ(split.validation.nnz(), 1);  // floor(10 × 0.1) for "busy"
}

TEST(SplitRandom, DuplicatePairsBecomeOneInteractionOfValueOne) {
  Rows rows;
  for (int i = 0; i < 10; ++i) rows.Add("u", Id("i", i));
  rows.Add("u", "i3").Add("u", "i3");
  TrainValidationSplit split = SplitInteractions(rows.data, SplitOptions{});
  EXPECT_EQ(split.train.nnz() + split.validation.nnz(), 10);
  for (float v : split.train.values) EXPECT_EQ(v, 1.0f);
}

TEST(SplitRandom, TestUserRatioTruncatesLikeTheSpecAndDropsNobody) {
  Interactions data = GeneratedData(100, 20);
  SplitOptions options;
  options.test_user_ratio = 0.29;  // 100 × 0.29 = 28.999… → 28 validation users
  TrainValidationSplit split = SplitInteractions(data, options);
  ExpectEveryUserHasARow(data, split);
  EXPECT_EQ(split.validation_users.size(), 28u);
  EXPECT_EQ(split.val_offset, 72);
  EXPECT_EQ(split.validation_users.front(), 72);
  EXPECT_EQ(split.validation_users.back(), 99);
  // Training-only users keep all their interactions.
  for (int32_t r = 0; r < 72; ++r) EXPECT_TRUE(split.validation.RowIndices(r).empty());
  EXPECT_EQ(split.train.nnz() + split.validation.nnz(), data.n_rows());
}

TEST(SplitRandom, ValidationRowsAreSortedByUserIdAndColumnsByItemId) {
  Rows rows;
  for (const char* user : {"zed", "amy", "kim"}) {
    for (const char* item : {"q", "b", "x", "a", "m", "c", "d", "e", "f", "g"}) {
      rows.Add(user, item);
    }
  }
  TrainValidationSplit split = SplitInteractions(rows.data, SplitOptions{});
  std::vector<std::string> users, items;
  for (int32_t u : split.row_users) users.push_back(rows.data.users.IdAt(u));
  for (int32_t i : split.column_items) items.push_back(rows.data.items.IdAt(i));
  EXPECT_EQ(users, (std::vector<std::string>{"amy", "kim", "zed"}));
  EXPECT_TRUE(std::is_sorted(items.begin(), items.end()));
}

TEST(SplitRandom, WithATimeColumnHoldsOutTheMostRecentItems) {
  Rows rows;
  for (int i = 0; i < 10; ++i) rows.Add("u", Id("i", i), 100 - i);
  TrainValidationSplit split = SplitInteractions(rows.data, SplitOptions{});  // quirk D1
  auto test = Cells(rows.data, split, split.validation);
  ASSERT_EQ(test.size(), 1u);
  EXPECT_EQ(test.begin()->first.second, "i0");  // the latest row (time 100) comes first
}

TEST(SplitTimeUser, HoldsOutLatestRowsAndBreaksTimeTiesBySourceOrder) {
  Rows rows;
  rows.Add("u", "early", 1).Add("u", "tie1", 5).Add("u", "tie2", 5).Add("u", "tie3", 5);
  SplitOptions options;
  options.scheme = kSplitTimeUser;
  options.heldout_ratio = 0.5;
  TrainValidationSplit split = SplitInteractions(rows.data, options);
  auto test = Cells(rows.data, split, split.validation);
  std::set<std::string> held;
  for (const auto& [cell, v] : test) held.insert(cell.second);
  EXPECT_EQ(held, (std::set<std::string>{"tie2", "tie3"}));
}

TEST(SplitTimeUser, KeepsTheFirstRowOfADuplicatedPair) {
  Rows rows;
  rows.Add("u", "a", 1).Add("u", "b", 2).Add("u", "a", 9);  // "a" keeps time 1
  rows.Add("u", "c", 3);
  SplitOptions options;
  options.scheme = kSplitTimeUser;
  options.heldout_ratio = 0.34;  // floor(3 × 0.34) = 1
  TrainValidationSplit split = SplitInteractions(rows.data, options);
  auto test = Cells(rows.data, split, split.validation);
  ASSERT_EQ(test.size(), 1u);
  EXPECT_EQ(test.begin()->first.second, "c");
}

TEST(SplitTimeUser, RequiresATimeColumn) {
  Interactions data = GeneratedData(20, 20);
  SplitOptions options;
  options.scheme = kSplitTimeUser;
  try {
    SplitInteractions(data, options);
    FAIL() << "expected a split_error";
  } catch (const TrainingError& e) {
    EXPECT_STREQ(e.code().c_str(), kCodeSplitError);
  }
}

TEST(SplitTimeGlobal, HoldsOutRowsAtOrAfterTheQuantileAndSumsDuplicates) {
  Rows rows;
  // Times 0..9: the 0.8 quantile with interpolation is 7.2, so 8 and 9 are future.
  for (int t = 0; t < 10; ++t) rows.Add(t < 5 ? "a" : "b", Id("i", t % 4), t);
  SplitOptions options;
  options.scheme = kSplitTimeGlobal;
  options.heldout_ratio = 0.2;
  TrainValidationSplit split = SplitInteractions(rows.data, options);
  ExpectEveryUserHasARow(rows.data, split);
  auto test = Cells(rows.data, split, split.validation);
  auto train = Cells(rows.data, split, split.train);
  EXPECT_EQ(test, (std::map<std::pair<std::string, std::string>, float>{{{"b", "i0"}, 1.0f},
                                                                        {{"b", "i1"}, 1.0f}}));
  EXPECT_EQ(train.at({"a", "i0"}), 2.0f);  // times 0 and 4: duplicates are counted
  EXPECT_EQ(split.val_offset, 1);          // "a" has no future row
}

TEST(SplitTimeGlobal, RowsTiedAtTheCutAreFuture) {
  Rows rows;
  rows.Add("a", "x", 1).Add("a", "y", 2).Add("b", "x", 2).Add("b", "z", 2);
  SplitOptions options;
  options.scheme = kSplitTimeGlobal;
  options.heldout_ratio = 0.5;  // cut = 2
  TrainValidationSplit split = SplitInteractions(rows.data, options);
  EXPECT_EQ(split.validation.nnz(), 3);
}

TEST(SplitTimeGlobal, NoUserIsDroppedByFloatingPointRoundingOfTestUserRatio) {
  Rows rows;
  for (int u = 0; u < 37; ++u) {
    std::string user = Id("u", u);
    rows.Add(user, "old", 0).Add(user, Id("new", u % 3), 10);
  }
  for (double ratio : {0.3, 0.7, 0.1, 0.9}) {
    SplitOptions options;
    options.scheme = kSplitTimeGlobal;
    options.heldout_ratio = 0.3;
    options.test_user_ratio = ratio;
    TrainValidationSplit split = SplitInteractions(rows.data, options);
    ExpectEveryUserHasARow(rows.data, split);
    int64_t n_train = static_cast<int64_t>(std::floor(37 * (1.0 - ratio)));
    EXPECT_EQ(split.val_offset, n_train) << ratio;
    EXPECT_EQ(static_cast<int64_t>(split.validation_users.size()), 37 - n_train) << ratio;
    EXPECT_EQ(split.train.nnz() + split.validation.nnz(), rows.data.n_rows()) << ratio;
  }
}

TEST(Split, RejectsWhatCannotBeSplit) {
  auto expect_split_error = [](const Interactions& data, const SplitOptions& options) {
    try {
      SplitInteractions(data, options);
      ADD_FAILURE() << "expected a split_error";
    } catch (const TrainingError& e) {
      EXPECT_EQ(e.code(), kCodeSplitError);
    }
  };
  SplitOptions options;
  expect_split_error(Interactions{}, options);
  Rows singles;
  for (int u = 0; u < 5; ++u) singles.Add(Id("u", u), "a");
  expect_split_error(singles.data, options);  // nothing to hold out
  SplitOptions unknown;
  unknown.scheme = "by_moon_phase";
  expect_split_error(GeneratedData(20, 20), unknown);
  SplitOptions ratio;
  ratio.heldout_ratio = 1.0;
  expect_split_error(GeneratedData(20, 20), ratio);
}

}  // namespace
}  // namespace recotem::tune
