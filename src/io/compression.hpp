// gzip for output files (zlib, RFC 1952): `hedgesim run --compress gzip` writes trajectory.csv.gz and the
// like, which pandas, R's read.csv, zcat and every spreadsheet importer read as they are; every reader of
// hedgesim's own CSV files (csv_reader.hpp) takes either form. gzip rather than zstd: a little larger and
// slower, but readable everywhere without a plug-in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hedgesim::io {

/// `text` as one gzip member, at zlib's default level. The header carries no name and no time, so the same
/// text gives the same bytes on every run.
std::string gzip(std::string_view text);

/// Whether `bytes` start with gzip's magic number (1f 8b).
bool is_gzip(std::string_view bytes);

/// The text of gzip data read from `file` (named in messages). InputError({file, 0, 0}) if it is not
/// whole, valid gzip, or if it would decompress to more than `limit` bytes (a file crafted to expand without
/// end is refused, not followed into memory exhaustion).
std::string gunzip(std::string_view bytes, const std::string& file, std::uint64_t limit);

}  // namespace hedgesim::io
