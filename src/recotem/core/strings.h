// Small string routines shared by every layer (trim, case, split, hex).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
// Splits on `sep`; keeps empty pieces.
std::vector<std::string> Split(std::string_view s, char sep);
// Splits on `,`, trims every item and drops empty ones (the spec's "CSV").
std::vector<std::string> SplitCsvList(std::string_view s);
bool IsTruthy(std::string_view raw);  // 1/true/yes/on, trimmed, any case

std::string HexEncode(std::span<const uint8_t> bytes);
// Decodes case-insensitive hex; ASCII whitespace between byte pairs is
// allowed. nullopt on an odd digit count or a non-hex character.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);
std::string Base64UrlNoPad(std::span<const uint8_t> bytes);

// True iff `s` is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// Parses a whole string as an integer the way the original's int() does:
// surrounding whitespace, a leading sign and `_` separators between digits.
std::optional<int64_t> ParseLooseInt(std::string_view raw);
std::optional<double> ParseDouble(std::string_view raw);
// The shortest text that reads back as exactly `value` ("0.1", "1e-05").
std::string ShortestDouble(double value);

// "YYYY-MM-DDTHH:MM:SSZ" for the current UTC time (artifact headers, events).
std::string UtcNowSeconds();

}  // namespace recotem
