#include "recotem/data/csv_parser.h"

#include <gtest/gtest.h>

namespace recotem {
namespace {

TEST(CsvParser, ParsesQuotedFieldsWithDelimitersQuotesAndNewlines) {
  InteractionTable t = ParseCsv("u,i\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\n", {});
  ASSERT_EQ(t.n_rows(), 2u);
  EXPECT_EQ(t.Find("u")->Raw(0), "a,b");
  EXPECT_EQ(t.Find("i")->Raw(0), "say \"hi\"");
  EXPECT_EQ(t.Find("u")->Raw(1), "multi\nline");
}

TEST(CsvParser, SkipsBlankLinesAndHandlesCrlf) {
  InteractionTable t = ParseCsv("u,i\r\n\r\n1,2\r\n\n3,4\r\n", {});
  ASSERT_EQ(t.n_rows(), 2u);
  EXPECT_EQ(t.Find("i")->Canonical(1), "4");
}

TEST(CsvParser, HeaderIndexDiscardsEarlierRows) {
  CsvOptions options;
  options.header = 1;
  InteractionTable t = ParseCsv("junk line\nu,i\n1,2\n", options);
  ASSERT_NE(t.Find("u"), nullptr);
  EXPECT_EQ(t.n_rows(), 1u);
}

TEST(CsvParser, PandasNullTokensBecomeNulls) {
  InteractionTable t = ParseCsv("u,i\nNA,1\n,2\nnull,3\nx,4\n", {});
  const Column* u = t.Find("u");
  EXPECT_TRUE(u->IsNull(0));
  EXPECT_TRUE(u->IsNull(1));
  EXPECT_TRUE(u->IsNull(2));
  EXPECT_FALSE(u->IsNull(3));
}

TEST(CsvParser, TooManyFieldsIsAnErrorNamingTheLine) {
  try {
    ParseCsv("u,i\n1,2,3\n", {});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Expected 2 fields in line 2, saw 3"), std::string::npos);
  }
}

TEST(CsvParser, UnterminatedQuoteIsAnError) {
  EXPECT_THROW(ParseCsv("u,i\n\"open,1\n", {}), std::runtime_error);
}

TEST(CsvParser, TabAndRegexDelimiters) {
  CsvOptions tab;
  tab.delimiter = "\t";
  EXPECT_EQ(ParseCsv("u\ti\n1\t2\n", tab).Find("i")->Raw(0), "2");
  CsvOptions regex;
  regex.delimiter = "\\s+";
  EXPECT_EQ(ParseCsv("u  i\n1   2\n", regex).Find("i")->Raw(0), "2");
}

TEST(CsvParser, EmptyInputHasNoColumns) { EXPECT_THROW(ParseCsv("", {}), std::runtime_error); }

}  // namespace
}  // namespace recotem
