#include "recotem/data/byte_decoding.h"

#include <bzlib.h>
#include <iconv.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "recotem/core/strings.h"

namespace recotem {
namespace {

constexpr size_t kChunk = 1 << 20;

bool StartsWith(const std::vector<uint8_t>& b, std::initializer_list<uint8_t> magic) {
  if (b.size() < magic.size()) return false;
  size_t i = 0;
  for (uint8_t m : magic) {
    if (b[i++] != m) return false;
  }
  return true;
}

std::vector<uint8_t> Gunzip(const std::vector<uint8_t>& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw std::runtime_error("gzip: init failed");
  std::vector<uint8_t> out;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t old = out.size();
    out.resize(old + kChunk);
    zs.next_out = out.data() + old;
    zs.avail_out = kChunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old + kChunk - zs.avail_out);
    if (rc == Z_STREAM_END && zs.avail_in > 0) {
      // Concatenated gzip members.
      if (inflateReset(&zs) != Z_OK) break;
      rc = Z_OK;
    } else if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw std::runtime_error("gzip: corrupt or truncated stream");
    } else if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      throw std::runtime_error("gzip: truncated stream");
    }
  }
  inflateEnd(&zs);
  return out;
}

std::vector<uint8_t> Bunzip2(const std::vector<uint8_t>& in) {
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) throw std::runtime_error("bz2: init failed");
  std::vector<uint8_t> out;
  bs.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
  bs.avail_in = static_cast<unsigned>(in.size());
  int rc = BZ_OK;
  while (rc != BZ_STREAM_END) {
    size_t old = out.size();
    out.resize(old + kChunk);
    bs.next_out = reinterpret_cast<char*>(out.data() + old);
    bs.avail_out = kChunk;
    rc = BZ2_bzDecompress(&bs);
    out.resize(old + kChunk - bs.avail_out);
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&bs);
      throw std::runtime_error("bz2: corrupt stream");
    }
    if (rc == BZ_OK && bs.avail_in == 0 && bs.avail_out != 0) {
      BZ2_bzDecompressEnd(&bs);
      throw std::runtime_error("bz2: truncated stream");
    }
  }
  BZ2_bzDecompressEnd(&bs);
  return out;
}

std::vector<uint8_t> Unxz(const std::vector<uint8_t>& in) {
  lzma_stream ls = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&ls, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    throw std::runtime_error("xz: init failed");
  }
  std::vector<uint8_t> out;
  ls.next_in = in.data();
  ls.avail_in = in.size();
  lzma_ret rc = LZMA_OK;
  while (rc != LZMA_STREAM_END) {
    size_t old = out.size();
    out.resize(old + kChunk);
    ls.next_out = out.data() + old;
    ls.avail_out = kChunk;
    rc = lzma_code(&ls, ls.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
    out.resize(old + kChunk - ls.avail_out);
    if (rc != LZMA_OK && rc != LZMA_STREAM_END) {
      lzma_end(&ls);
      throw std::runtime_error("xz: corrupt or truncated stream");
    }
  }
  lzma_end(&ls);
  return out;
}

std::vector<uint8_t> Unzstd(const std::vector<uint8_t>& in) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  ZSTD_initDStream(ds);
  std::vector<uint8_t> out;
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t rc = 1;
  while (input.pos < input.size) {
    size_t old = out.size();
    out.resize(old + kChunk);
    ZSTD_outBuffer output{out.data() + old, kChunk, 0};
    rc = ZSTD_decompressStream(ds, &output, &input);
    out.resize(old + output.pos);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDStream(ds);
      throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
    }
  }
  ZSTD_freeDStream(ds);
  if (rc != 0) throw std::runtime_error("zstd: truncated stream");
  return out;
}

std::string IconvToUtf8(const std::vector<uint8_t>& in, const std::string& encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    throw std::runtime_error("unknown encoding '" + encoding + "'");
  }
  std::string out(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  while (src_left > 0) {
    size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    if (rc != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    size_t offset = in.size() - src_left;
    iconv_close(cd);
    throw std::runtime_error("'" + encoding + "' codec can't decode byte at position " +
                             std::to_string(offset));
  }
  iconv_close(cd);
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

}  // namespace

std::vector<uint8_t> DecompressByMagic(std::vector<uint8_t> bytes, std::string* compression) {
  std::string kind = "none";
  std::vector<uint8_t> out;
  if (StartsWith(bytes, {0x1f, 0x8b})) {
    kind = "gzip";
    out = Gunzip(bytes);
  } else if (StartsWith(bytes, {'B', 'Z', 'h'})) {
    kind = "bz2";
    out = Bunzip2(bytes);
  } else if (StartsWith(bytes, {0xFD, '7', 'z', 'X', 'Z', 0x00})) {
    kind = "xz";
    out = Unxz(bytes);
  } else if (StartsWith(bytes, {0x28, 0xB5, 0x2F, 0xFD})) {
    kind = "zstd";
    out = Unzstd(bytes);
  } else {
    out = std::move(bytes);
  }
  if (compression != nullptr) *compression = kind;
  return out;
}

std::string DecodeToUtf8(std::vector<uint8_t> bytes, std::string_view encoding) {
  std::string name = ToLower(Trim(encoding));
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  if (name.empty() || name == "utf-8" || name == "utf8" || name == "utf-8-sig" ||
      name == "utf8-sig") {
    std::string text(bytes.begin(), bytes.end());
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB &&
        static_cast<unsigned char>(text[2]) == 0xBF) {
      text.erase(0, 3);
    }
    if (!IsValidUtf8(text)) throw std::runtime_error("'utf-8' codec can't decode the data");
    return text;
  }
  if (name == "latin-1" || name == "latin1" || name == "l1") name = "ISO-8859-1";
  std::string text = IconvToUtf8(bytes, name);
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return text;
}

}  // namespace recotem
