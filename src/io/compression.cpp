#include "io/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "model/input_error.hpp"

namespace hedgesim::io {
namespace {

// zlib's windowBits: 15 (a 32 KiB window) + 16 asks for a gzip wrapper; + 32 detects zlib or gzip on reading.
constexpr int kGzipWrite = 15 + 16;
constexpr int kGzipRead = 15 + 32;
// zlib counts in uInt: feed and drain it in pieces that fit.
constexpr std::size_t kPiece = std::size_t{1} << 20;

struct DeflateEnd {
  void operator()(z_stream* z) const { deflateEnd(z); }
};
struct InflateEnd {
  void operator()(z_stream* z) const { inflateEnd(z); }
};

}  // namespace

std::string gzip(std::string_view text) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWrite, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  const std::unique_ptr<z_stream, DeflateEnd> guard(&z);
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(std::min(text.size(), kPiece))) + 64);
  std::size_t fed = 0, written = 0;
  int rc = Z_OK;
  do {
    const std::size_t piece = std::min(text.size() - fed, kPiece);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data() + fed));
    z.avail_in = static_cast<uInt>(piece);
    fed += piece;
    const int flush = fed == text.size() ? Z_FINISH : Z_NO_FLUSH;
    do {
      if (written == out.size()) out.resize(out.size() * 2);
      const std::size_t room = std::min(out.size() - written, kPiece);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + written);
      z.avail_out = static_cast<uInt>(room);
      rc = deflate(&z, flush);
      written += room - z.avail_out;
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  } while (rc != Z_STREAM_END);
  out.resize(written);
  return out;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, const std::string& file, std::uint64_t limit) {
  const auto damaged = [&](const std::string& what) {
    return InputError({file, 0, 0},
                      "this gzip file " + what + "; write it again (`hedgesim run --compress gzip`)");
  };
  z_stream z{};
  if (inflateInit2(&z, kGzipRead) != Z_OK) throw std::bad_alloc();
  const std::unique_ptr<z_stream, InflateEnd> guard(&z);
  std::string out;
  std::size_t fed = 0;
  char buffer[1 << 16];
  for (;;) {
    if (z.avail_in == 0 && fed < bytes.size()) {
      const std::size_t piece = std::min(bytes.size() - fed, kPiece);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + fed));
      z.avail_in = static_cast<uInt>(piece);
      fed += piece;
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    const int rc = inflate(&z, Z_NO_FLUSH);
    // Z_BUF_ERROR with a fresh output buffer means the input ran out before the stream's end.
    if (rc == Z_BUF_ERROR) throw damaged("is cut short: was it written completely?");
    if (rc != Z_OK && rc != Z_STREAM_END)
      throw damaged("is damaged (" + std::string(z.msg != nullptr ? z.msg : "zlib error") + ")");
    const std::size_t got = sizeof buffer - z.avail_out;
    if (out.size() + got > limit)
      throw InputError({file, 0, 0},
                       "this gzip file expands to more than " + std::to_string(limit >> 20) +
                           " MiB, more than this machine can hold; is it a file hedgesim wrote?");
    out.append(buffer, got);
    if (rc == Z_STREAM_END) break;
  }
  if (z.avail_in > 0 || fed < bytes.size()) throw damaged("has bytes after its end");
  return out;
}

}  // namespace hedgesim::io
