#include "recotem/data/interaction_table.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

Column MakeColumn(std::initializer_list<const char*> cells) {
  Column c("x");
  for (const char* cell : cells) {
    if (cell == nullptr) {
      c.AppendNull();
    } else {
      c.Append(cell);
    }
  }
  c.Finish(std::nullopt);
  return c;
}

TEST(PythonFloatRepr, MatchesPythonForCommonValues) {
  EXPECT_EQ(PythonFloatRepr(12.0), "12.0");
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(-3.5), "-3.5");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(123456789012345.0), "123456789012345.0");
  EXPECT_EQ(PythonFloatRepr(1.5e-05), "1.5e-05");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
}

TEST(Column, IntegerIdsLoseLeadingZerosLikeTheOriginal) {
  Column c = MakeColumn({"0042", "7"});
  EXPECT_EQ(c.kind(), ColumnKind::kInt);
  EXPECT_EQ(c.Canonical(0), "42");
}

TEST(Column, IntegersWithABlankBecomeFloats) {
  Column c = MakeColumn({"12", nullptr});
  EXPECT_EQ(c.kind(), ColumnKind::kFloat);
  EXPECT_EQ(c.Canonical(0), "12.0");
}

TEST(Column, BooleansCanonicaliseToPythonSpelling) {
  Column c = MakeColumn({"true", "FALSE"});
  EXPECT_EQ(c.kind(), ColumnKind::kBool);
  EXPECT_EQ(c.Canonical(0), "True");
  EXPECT_EQ(c.Canonical(1), "False");
}

TEST(Column, MixedTextIsAString) {
  Column c = MakeColumn({"a1", "2"});
  EXPECT_EQ(c.kind(), ColumnKind::kString);
  EXPECT_EQ(c.Canonical(1), "2");
}

TEST(Column, ForcedStringKeepsTextVerbatim) {
  Column c("id");
  c.Append("007");
  c.Finish(ColumnKind::kString);
  EXPECT_EQ(c.Canonical(0), "007");
}

TEST(Column, ForcedIntRejectsTextAndNulls) {
  Column bad("id");
  bad.Append("x");
  EXPECT_THROW(bad.Finish(ColumnKind::kInt), std::runtime_error);
  Column with_null("id");
  with_null.Append("1");
  with_null.AppendNull();
  EXPECT_THROW(with_null.Finish(ColumnKind::kInt), std::runtime_error);
}

}  // namespace
}  // namespace recotem
