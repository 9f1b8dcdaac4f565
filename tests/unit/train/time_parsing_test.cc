#include "recotem/train/time_parsing.h"

#include <gtest/gtest.h>

#include "recotem/core/errors.h"

namespace recotem {
namespace {

constexpr int64_t kSecond = 1000000000LL;

TEST(ParseIsoDateTime, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(ParseIsoDateTimeNs("1970-01-02"), 86400 * kSecond);
  EXPECT_EQ(ParseIsoDateTimeNs("2026-01-01"), 1767225600 * kSecond);
}

TEST(ParseIsoDateTime, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(ParseIsoDateTimeNs("2026-01-01T09:00:00+09:00"), 1767225600 * kSecond);
  EXPECT_EQ(ParseIsoDateTimeNs("2026-01-01 00:00:00Z"), 1767225600 * kSecond);
  EXPECT_EQ(ParseIsoDateTimeNs("2026-01-01T00:00:00.5"), 1767225600 * kSecond + kSecond / 2);
}

TEST(ParseIsoDateTime, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseIsoDateTimeNs("2026-02-29"));
  EXPECT_TRUE(ParseIsoDateTimeNs("2024-02-29"));
  EXPECT_FALSE(ParseIsoDateTimeNs("2026-13-01"));
  EXPECT_FALSE(ParseIsoDateTimeNs("yesterday"));
  EXPECT_FALSE(ParseIsoDateTimeNs("2026-01-01T25:00"));
}

TEST(ParseTimeColumn, NumericColumnsNeedAUnit) {
  Column c("t");
  c.Append("10");
  c.Finish(std::nullopt);
  try {
    ParseTimeColumn(c, std::nullopt);
    FAIL();
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "time_unit_required");
  }
  EXPECT_EQ(ParseTimeColumn(c, std::string("ms"))[0], 10 * 1000000LL);
}

TEST(ParseTimeColumn, MixedFormatsAreAParseError) {
  Column c("t");
  c.Append("2026-01-01");
  c.Append("2026-01-01 10:00:00");
  c.Finish(std::nullopt);
  try {
    ParseTimeColumn(c, std::nullopt);
    FAIL();
  } catch (const TrainingError& e) {
    EXPECT_EQ(e.code(), "time_column_parse_error");
  }
}

}  // namespace
}  // namespace recotem
