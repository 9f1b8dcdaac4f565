// PythonJsonDumps / PythonFloatRepr against outputs of CPython 3.11's
// json.dumps and repr.
#include "recotem/tune/storage/python_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace recotem::tune::storage {
namespace {

TEST(PythonFloatRepr, MatchesPythonReprAcrossNotations) {
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PythonFloatRepr(1.0), "1.0");
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(1e-5), "1e-05");
  EXPECT_EQ(PythonFloatRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonFloatRepr(123.456), "123.456");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1.2345678901234567e17), "1.2345678901234566e+17");
  EXPECT_EQ(PythonFloatRepr(-2.5e100), "-2.5e+100");
  EXPECT_EQ(PythonFloatRepr(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(PythonFloatRepr(0.004430375245218268), "0.004430375245218268");
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(PythonFloatRepr(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(PythonFloatRepr(std::nan("")), "NaN");
}

TEST(PythonJsonDumps, UsesPythonSeparatorsAndKeepsOrderedKeyOrder) {
  nlohmann::ordered_json value;
  value["z"] = 1;
  value["a"] = {1, 2.0, nullptr, true, "x"};
  EXPECT_EQ(PythonJsonDumps(value), R"({"z": 1, "a": [1, 2.0, null, true, "x"]})");
  EXPECT_EQ(PythonJsonDumps(nlohmann::json::object()), "{}");
  EXPECT_EQ(PythonJsonDumps(nlohmann::json::array()), "[]");
}

TEST(PythonJsonDumps, EscapesLikeEnsureAscii) {
  EXPECT_EQ(PythonJsonDumps(nlohmann::json("a\"b\\c\n\t\x01")), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(PythonJsonDumps(nlohmann::json("h\xc3\xa9llo \xe6\x97\xa5")), R"("h\u00e9llo \u65e5")");
  EXPECT_EQ(PythonJsonDumps(nlohmann::json("\xf0\x9f\x98\x80")), R"("\ud83d\ude00")");
  EXPECT_EQ(PythonJsonDumps(nlohmann::json("\x7f")), R"("\u007f")");
}

}  // namespace
}  // namespace recotem::tune::storage
