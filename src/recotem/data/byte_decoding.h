// Turning raw source bytes into UTF-8 text: decompression detected by magic
// bytes (gzip, bzip2, xz, zstd) and character-set conversion (UTF-8 with or
// without BOM natively; every other encoding through iconv).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recotem {

// Decompresses `bytes` when they start with a gzip, bzip2, xz or zstd magic
// number; otherwise returns them unchanged. Throws std::runtime_error on a
// corrupt stream. `compression` receives "gzip"/"bz2"/"xz"/"zstd"/"none".
std::vector<uint8_t> DecompressByMagic(std::vector<uint8_t> bytes, std::string* compression);

// Converts `bytes` in `encoding` (a Python codec name such as utf-8,
// utf-8-sig, latin-1, cp932) to UTF-8; a leading UTF-8 BOM is dropped.
// Throws std::runtime_error for an unknown encoding or undecodable bytes.
std::string DecodeToUtf8(std::vector<uint8_t> bytes, std::string_view encoding);

}  // namespace recotem
