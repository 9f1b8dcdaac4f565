#include "recotem/train/cleansing.h"

#include <gtest/gtest.h>

#include "recotem/core/errors.h"
#include "recotem/data/csv_parser.h"

namespace recotem {
namespace {

SchemaSpec Schema() {
  SchemaSpec s;
  s.user_column = "u";
  s.item_column = "i";
  return s;
}

TEST(Cleanse, DropsNullIdsAndDedupsKeepingTheLastRow) {
  InteractionTable t = ParseCsv("u,i,t\n1,a,1\n,b,2\n1,a,3\n2,b,4\n", {});
  SchemaSpec schema = Schema();
  schema.time_column = "t";
  schema.time_unit = "s";
  CleansedData out = Cleanse(t, schema, CleansingSpec{});
  EXPECT_EQ(out.stats.n_rows, 2);
  EXPECT_EQ(out.stats.drop_count, 2);
  ASSERT_TRUE(out.interactions.time_ns);
  EXPECT_EQ((*out.interactions.time_ns)[0], 3000000000LL);  // keep_last kept t=3
  // The blank made the column float, so ids read "1.0" as in the original.
  EXPECT_EQ(out.interactions.users.IdAt(0), "1.0");
}

TEST(Cleanse, KeepFirstAndNoneDedup) {
  InteractionTable t = ParseCsv("u,i\nx,a\nx,a\ny,a\n", {});
  CleansingSpec first;
  first.dedup = "keep_first";
  EXPECT_EQ(Cleanse(t, Schema(), first).stats.n_rows, 2);
  CleansingSpec none;
  none.dedup = "none";
  EXPECT_EQ(Cleanse(t, Schema(), none).stats.n_rows, 3);
}

TEST(Cleanse, MissingColumnIsADataSourceError) {
  InteractionTable t = ParseCsv("user,i\nx,a\n", {});
  EXPECT_THROW(Cleanse(t, Schema(), CleansingSpec{}), DataSourceError);
}

TEST(Cleanse, MinimumViolationsCarryAllCounts) {
  InteractionTable t = ParseCsv("u,i\nx,a\ny,b\n", {});
  CleansingSpec c;
  c.min_rows = 5;
  c.min_items = 1;
  try {
    Cleanse(t, Schema(), c);
    FAIL();
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "min_data_violation");
    EXPECT_EQ(std::string(e.what()),
              "Dataset below minimum thresholds after cleansing: n_rows=2 < min_rows=5");
    EXPECT_EQ(e.fields()["n_rows"], 2);
    EXPECT_EQ(e.fields()["min_rows"], 5);
    EXPECT_EQ(e.fields()["min_items"], 1);
    EXPECT_FALSE(e.fields().contains("min_users"));
  }
}

TEST(Cleanse, NumericIdsAreCanonicalisedLikeTheOriginal) {
  InteractionTable t = ParseCsv("u,i\n007,1\n8,\n", {});
  CleansedData out = Cleanse(t, Schema(), CleansingSpec{});
  EXPECT_EQ(out.interactions.users.IdAt(0), "7");
}

TEST(BuildFinalTrainingData, SortsIdsAndCountsDuplicatePairs) {
  InteractionTable t = ParseCsv("u,i\nb,y\na,x\nb,y\n", {});
  CleansingSpec none;
  none.dedup = "none";
  FinalTrainingData final_data = BuildFinalTrainingData(Cleanse(t, Schema(), none).interactions);
  EXPECT_EQ(final_data.users.IdAt(0), "a");
  EXPECT_EQ(final_data.items.IdAt(1), "y");
  EXPECT_EQ(final_data.matrix.values, (std::vector<float>{1.0f, 2.0f}));
}

}  // namespace
}  // namespace recotem
