// Journal records as bytes, for tests that forge what a damaged or hostile journal might hold: a record with
// any chunk number, any count and any values, with a checksum that matches (so that only the new checks,
// not the checksum, can refuse it). The layout is the one src/io/journal.cpp documents.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace hedgesim::testing {

inline std::uint64_t journal_fnv1a(const void* data, std::size_t n,
                                   std::uint64_t h = 14695981039346656037ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

/// "REC1" | chunk | count | values | FNV-1a of (chunk, count, values). `count` may differ from
/// values.size(), to forge a record whose count lies; the checksum then covers what is written.
inline std::string journal_record(std::int64_t chunk, std::uint64_t count,
                                  const std::vector<double>& values) {
  std::string rec = "REC1";
  rec.append(reinterpret_cast<const char*>(&chunk), 8);
  rec.append(reinterpret_cast<const char*>(&count), 8);
  if (!values.empty()) rec.append(reinterpret_cast<const char*>(values.data()), values.size() * 8);
  std::uint64_t h = journal_fnv1a(&chunk, 8);
  h = journal_fnv1a(&count, 8, h);
  if (!values.empty()) h = journal_fnv1a(values.data(), values.size() * 8, h);
  rec.append(reinterpret_cast<const char*>(&h), 8);
  return rec;
}

inline std::string journal_record(std::int64_t chunk, const std::vector<double>& values) {
  return journal_record(chunk, values.size(), values);
}

/// Appends bytes to a file.
inline void append_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

}  // namespace hedgesim::testing
