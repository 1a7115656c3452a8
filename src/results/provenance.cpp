#include "results/provenance.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "io/sha256.hpp"

namespace hedgesim::results {

std::string scenario_sha256(const Scenario& s) {
  return s.files.size() > 1 ? io::sha256_files(s.files) : io::sha256_file(s.file);
}

namespace {
constexpr long long kLastSecondOfYear9999 = 253402300799;
}

std::optional<long long> source_date_epoch(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  long long seconds = 0;
  const char* end = text + std::strlen(text);
  const auto [p, ec] = std::from_chars(text, end, seconds);
  if (ec != std::errc() || p != end || seconds < 0 || seconds > kLastSecondOfYear9999) return std::nullopt;
  return seconds;
}

std::string utc_iso8601(long long seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::string created_utc() {
  if (const auto pinned = source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"))) return utc_iso8601(*pinned);
  const auto now = std::chrono::system_clock::now();
  return utc_iso8601(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace hedgesim::results
