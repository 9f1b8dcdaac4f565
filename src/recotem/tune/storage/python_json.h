// PythonJsonDumps: JSON text exactly as Python's json.dumps writes it with
// default arguments (separators ", " and ": ", ensure_ascii, float repr,
// NaN/Infinity). Optuna stores distributions and attributes this way; byte-
// identical text keeps studies written by Recotem and by Optuna alike.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace recotem::tune::storage {

// Objects are written in the json value's own key order.
std::string PythonJsonDumps(const nlohmann::json& value);
std::string PythonJsonDumps(const nlohmann::ordered_json& value);

// Python's repr() of a float: shortest round-trip digits, fixed notation for
// decimal exponents -4 ≤ e < 16 ("0.0001", "1.0"), else "1e-05" / "1e+16".
std::string PythonFloatRepr(double value);

}  // namespace recotem::tune::storage
