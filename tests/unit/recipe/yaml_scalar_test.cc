// YAML 1.1 scalar typing as PyYAML's safe loader applies it (recipe.md §1).
#include "recotem/recipe/yaml_scalar.h"

#include <gtest/gtest.h>

#include <cmath>

namespace recotem {
namespace {

YamlScalarKind KindOf(std::string_view text) { return ResolvePlainScalar(text).kind; }

TEST(YamlScalar, AllEighteenBooleanSpellingsAreBooleans) {
  for (const char* t : {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
    YamlScalar s = ResolvePlainScalar(t);
    EXPECT_EQ(s.kind, YamlScalarKind::kBool) << t;
    EXPECT_TRUE(s.bool_value) << t;
  }
  for (const char* f : {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
    YamlScalar s = ResolvePlainScalar(f);
    EXPECT_EQ(s.kind, YamlScalarKind::kBool) << f;
    EXPECT_FALSE(s.bool_value) << f;
  }
  EXPECT_EQ(KindOf("yEs"), YamlScalarKind::kString);
  EXPECT_EQ(KindOf("y"), YamlScalarKind::kString);
}

TEST(YamlScalar, IntegersInEveryYamlOneOneBase) {
  EXPECT_EQ(ResolvePlainScalar("012").int_value, 10);
  EXPECT_EQ(ResolvePlainScalar("0x1f").int_value, 31);
  EXPECT_EQ(ResolvePlainScalar("0b101").int_value, 5);
  EXPECT_EQ(ResolvePlainScalar("1:20").int_value, 80);
  EXPECT_EQ(ResolvePlainScalar("-1:00:00").int_value, -3600);
  EXPECT_EQ(ResolvePlainScalar("007").int_value, 7);
  EXPECT_EQ(ResolvePlainScalar("1_000").int_value, 1000);
  EXPECT_EQ(ResolvePlainScalar("+5").int_value, 5);
  EXPECT_EQ(ResolvePlainScalar("0").int_value, 0);
  EXPECT_EQ(KindOf("08"), YamlScalarKind::kString);
  EXPECT_EQ(KindOf("09:30"), YamlScalarKind::kString);
  EXPECT_EQ(KindOf("1:60"), YamlScalarKind::kString);
}

TEST(YamlScalar, FloatsNeedADotAndASignedExponent) {
  EXPECT_EQ(KindOf("1e3"), YamlScalarKind::kString);
  EXPECT_EQ(KindOf("1.0e3"), YamlScalarKind::kString);
  YamlScalar s = ResolvePlainScalar("1.0e+3");
  EXPECT_EQ(s.kind, YamlScalarKind::kFloat);
  EXPECT_DOUBLE_EQ(s.float_value, 1000.0);
  EXPECT_DOUBLE_EQ(ResolvePlainScalar("0.5").float_value, 0.5);
  EXPECT_DOUBLE_EQ(ResolvePlainScalar(".5").float_value, 0.5);
  EXPECT_DOUBLE_EQ(ResolvePlainScalar("1.").float_value, 1.0);
  EXPECT_DOUBLE_EQ(ResolvePlainScalar("1:20.5").float_value, 80.5);
  EXPECT_TRUE(std::isinf(ResolvePlainScalar("-.inf").float_value));
  EXPECT_TRUE(std::isnan(ResolvePlainScalar(".NaN").float_value));
  EXPECT_EQ(KindOf("."), YamlScalarKind::kString);
}

TEST(YamlScalar, NullSpellings) {
  for (const char* n : {"", "~", "null", "Null", "NULL"}) {
    EXPECT_EQ(KindOf(n), YamlScalarKind::kNull) << n;
  }
  EXPECT_EQ(KindOf("nULL"), YamlScalarKind::kString);
}

TEST(YamlScalar, UnquotedDatesAndTimestampsAreNotStrings) {
  YamlScalar d = ResolvePlainScalar("2026-04-01");
  EXPECT_EQ(d.kind, YamlScalarKind::kTimestamp);
  EXPECT_TRUE(d.date_only);
  EXPECT_EQ(d.text, "2026-04-01");
  YamlScalar t = ResolvePlainScalar("2001-12-14t21:59:43.10-05:00");
  EXPECT_EQ(t.kind, YamlScalarKind::kTimestamp);
  EXPECT_EQ(t.text, "2001-12-14T21:59:43.100000-05:00");
  EXPECT_EQ(ResolvePlainScalar("2001-12-14 21:59:43Z").text, "2001-12-14T21:59:43+00:00");
  EXPECT_EQ(KindOf("2026-4-1"), YamlScalarKind::kString);
  EXPECT_THROW(ResolvePlainScalar("2026-02-30"), YamlScalarError);
}

TEST(YamlScalar, OutOfRangeIntegersAreErrorsNotWraparounds) {
  EXPECT_EQ(ResolvePlainScalar("9223372036854775807").int_value, INT64_MAX);
  EXPECT_EQ(ResolvePlainScalar("-9223372036854775808").int_value, INT64_MIN);
  EXPECT_THROW(ResolvePlainScalar("9223372036854775808"), YamlScalarError);
  EXPECT_THROW(ResolvePlainScalar("0x1ffffffffffffffff"), YamlScalarError);
}

TEST(YamlScalar, EqualsSignAloneCannotBeConstructed) {
  EXPECT_THROW(ResolvePlainScalar("="), YamlScalarError);
  EXPECT_EQ(KindOf("<<"), YamlScalarKind::kMerge);
}

TEST(YamlScalar, QuotedAndExplicitlyTaggedScalars) {
  EXPECT_EQ(ConstructTaggedScalar("!", "yes").kind, YamlScalarKind::kString);
  EXPECT_EQ(ConstructTaggedScalar("tag:yaml.org,2002:str", "012").text, "012");
  EXPECT_EQ(ConstructTaggedScalar("tag:yaml.org,2002:int", "012").int_value, 10);
  EXPECT_TRUE(ConstructTaggedScalar("tag:yaml.org,2002:bool", "TrUe").bool_value);
  EXPECT_THROW(ConstructTaggedScalar("tag:yaml.org,2002:int", "abc"), YamlScalarError);
  EXPECT_THROW(ConstructTaggedScalar("tag:yaml.org,2002:binary", "AAAA"), YamlScalarError);
  EXPECT_THROW(ConstructTaggedScalar("!python/object", "x"), YamlScalarError);
}

TEST(YamlScalar, LongScalarsResolveInLinearTime) {
  std::string digits(200000, '1');
  EXPECT_THROW(ResolvePlainScalar(digits), YamlScalarError);  // too large an integer
  std::string almost_float = std::string(200000, '1') + "x.5";
  EXPECT_EQ(KindOf(almost_float), YamlScalarKind::kString);
}

}  // namespace
}  // namespace recotem
