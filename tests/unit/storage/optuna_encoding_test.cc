// Optuna's row encodings: datetimes with exactly six fraction digits, and
// ±inf/NaN as NULL plus a type.
#include "recotem/tune/storage/optuna_encoding.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <limits>

namespace recotem::tune::storage {
namespace {

// True for "YYYY-MM-DD HH:MM:SS.ffffff" (std::regex trips GCC 12 warnings
// under the sanitizers).
bool IsSixDigitDatetime(const std::string& text) {
  const std::string shape = "dddd-dd-dd dd:dd:dd.dddddd";
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

TEST(OptunaDatetime, FormatsLocalTimeWithSixFractionDigits) {
  auto now = std::chrono::system_clock::now();
  std::string text = FormatOptunaDatetime(now);
  EXPECT_TRUE(IsSixDigitDatetime(text)) << text;
  auto back = ParseOptunaDatetime(text);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(back.time_since_epoch()),
            std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()));
  auto on_the_second = std::chrono::floor<std::chrono::seconds>(now);
  EXPECT_EQ(FormatOptunaDatetime(on_the_second).substr(19), ".000000");
}

TEST(OptunaDatetime, ReadsShorterFractionsAsServersPrintThem) {
  auto micros = [](const std::string& text) { return NaiveDatetimeMicros(text).count(); };
  EXPECT_EQ(micros("2026-11-22 13:34:43.5") - micros("2026-11-22 13:34:43"), 500000);
  EXPECT_EQ(micros("2026-11-22 13:34:43.000005") - micros("2026-11-22 13:34:43"), 5);
  EXPECT_EQ(micros("2026-11-22 13:34:44") - micros("2026-11-22 13:34:43.25"), 750000);
  EXPECT_THROW(ParseOptunaDatetime("2026-11-22"), std::runtime_error);
  EXPECT_THROW(ParseOptunaDatetime("2026-11-22 13:34:43."), std::runtime_error);
  EXPECT_THROW(ParseOptunaDatetime("2026-11-22 13:34:43+00"), std::runtime_error);
}

TEST(OptunaValue, EncodesSpecialValuesAsNullWithAType) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(EncodeOptunaValue(1.5).value, 1.5);
  EXPECT_STREQ(EncodeOptunaValue(1.5).type, "FINITE");
  EXPECT_FALSE(EncodeOptunaValue(kInf).value);
  EXPECT_STREQ(EncodeOptunaValue(kInf).type, "INF_POS");
  EXPECT_STREQ(EncodeOptunaValue(-kInf).type, "INF_NEG");
  EXPECT_STREQ(EncodeOptunaValue(std::nan("")).type, "NAN");
  EXPECT_EQ(DecodeOptunaValue(std::nullopt, "INF_NEG"), -kInf);
  EXPECT_TRUE(std::isnan(DecodeOptunaValue(std::nullopt, "NAN")));
  EXPECT_EQ(DecodeOptunaValue(2.0, "FINITE"), 2.0);
  EXPECT_THROW(DecodeOptunaValue(std::nullopt, "FINITE"), std::runtime_error);
  EXPECT_THROW(DecodeOptunaValue(1.0, "BOGUS"), std::runtime_error);
}

}  // namespace
}  // namespace recotem::tune::storage
