// How Optuna's RDB storage encodes values in rows: naive local datetimes as
// "YYYY-MM-DD HH:MM:SS.ffffff" (exactly six fraction digits: SQLAlchemy
// reads ".5" as 5 µs), and objective/intermediate values as a nullable
// float plus a type column (FINITE, INF_POS, INF_NEG, NAN) because the
// databases cannot all store ±inf/NaN.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace recotem::tune::storage {

// `time` in the local time zone, microsecond precision.
std::string FormatOptunaDatetime(std::chrono::system_clock::time_point time);

// Reads "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1–6 digits (as
// PostgreSQL and MySQL print it), as local time. Throws std::runtime_error
// on malformed text.
std::chrono::system_clock::time_point ParseOptunaDatetime(const std::string& text);

// The same text read as if it were UTC: for differences between two
// datetimes written by one database clock (heartbeats).
std::chrono::microseconds NaiveDatetimeMicros(const std::string& text);

struct EncodedValue {
  std::optional<double> value;  // nullopt is stored as NULL
  const char* type;             // "FINITE", "INF_POS", "INF_NEG" or "NAN"
};

// NaN encodes as "NAN", which only the intermediate-value column accepts.
EncodedValue EncodeOptunaValue(double value);
// The inverse; throws std::runtime_error for an unknown type or a FINITE
// row without a value.
double DecodeOptunaValue(std::optional<double> value, const std::string& type);

}  // namespace recotem::tune::storage
