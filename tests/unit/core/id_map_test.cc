#include "recotem/core/id_map.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace recotem {
namespace {

TEST(IdMap, AssignsIndicesInFirstSeenOrderAndFindsThemAgain) {
  IdMap ids;
  EXPECT_EQ(ids.GetOrAdd("b"), 0);
  EXPECT_EQ(ids.GetOrAdd("a"), 1);
  EXPECT_EQ(ids.GetOrAdd("b"), 0);
  EXPECT_EQ(ids.size(), 2);
  EXPECT_EQ(ids.IdAt(1), "a");
  EXPECT_EQ(ids.Find("a"), 1);
  EXPECT_EQ(ids.Find("c"), std::nullopt);
  EXPECT_EQ(IdMap().Find("a"), std::nullopt);
}

// Short ids are compared in the table's slots, long ones against the id
// list; both must survive many rehashes, and ids that differ only in length
// or in a late byte must stay apart.
TEST(IdMap, KeepsShortLongAndNearIdenticalIdsApartThroughGrowth) {
  IdMap ids;
  std::vector<std::string> all = {"",
                                  "0",
                                  "00",
                                  "a\0b",
                                  "12345678901",
                                  "123456789012",
                                  std::string(40, 'x'),
                                  std::string(39, 'x') + "y"};
  all[3] = std::string("a\0b", 3);
  for (int i = 1; i < 20000; ++i) {  // "0" is in the list already
    all.push_back(std::to_string(i));
    all.push_back("user-with-a-long-prefix-" + std::to_string(i));
  }
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(ids.GetOrAdd(all[i]), static_cast<int32_t>(i)) << all[i];
  }
  ASSERT_EQ(ids.size(), static_cast<int32_t>(all.size()));
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(ids.Find(all[i]), static_cast<int32_t>(i)) << all[i];
    ASSERT_EQ(ids.GetOrAdd(all[i]), static_cast<int32_t>(i)) << all[i];
    ASSERT_EQ(ids.IdAt(static_cast<int32_t>(i)), all[i]);
  }
  EXPECT_EQ(ids.Find("20000"), std::nullopt);
  EXPECT_EQ(ids.Find("user-with-a-long-prefix-20000"), std::nullopt);
  EXPECT_EQ(ids.Find(std::string(41, 'x')), std::nullopt);
}

TEST(IdMap, TheListConstructorKeepsOrderAndRejectsDuplicates) {
  IdMap ids({"u2", "u1", "a-much-longer-user-identifier"});
  EXPECT_EQ(ids.Find("u1"), 1);
  EXPECT_EQ(ids.Find("a-much-longer-user-identifier"), 2);
  EXPECT_THROW(IdMap({"x", "y", "x"}), std::invalid_argument);
}

}  // namespace
}  // namespace recotem
