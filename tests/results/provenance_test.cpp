// results/provenance: the creation time every meta.json records, and SOURCE_DATE_EPOCH, which pins it.
#include "results/provenance.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace hedgesim::results {
namespace {

TEST(Provenance, FormatsSecondsSince1970AsUtcIso8601) {
  EXPECT_EQ(utc_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utc_iso8601(951782400), "2000-02-29T00:00:00Z");  // a leap day
  EXPECT_EQ(utc_iso8601(1764756959), "2025-12-03T10:15:59Z");
  EXPECT_EQ(utc_iso8601(253402300799), "9999-12-31T23:59:59Z");
}

TEST(Provenance, SourceDateEpochIsAWholeNumberOfSecondsOrIgnored) {
  EXPECT_EQ(source_date_epoch("0"), 0);
  EXPECT_EQ(source_date_epoch("1764756959"), 1764756959);
  EXPECT_EQ(source_date_epoch("253402300799"), 253402300799);
  for (const char* bad : {"", "-1", "1.5", "12abc", " 12", "253402300800", "99999999999999999999"})
    EXPECT_FALSE(source_date_epoch(bad).has_value()) << bad;
  EXPECT_FALSE(source_date_epoch(nullptr).has_value());
}

// Fails if created_utc ignored the variable (the clock is not in 1970) or trusted a malformed one.
TEST(Provenance, CreatedIsPinnedBySourceDateEpochAndIsTheClockOtherwise) {
  ASSERT_EQ(setenv("SOURCE_DATE_EPOCH", "86399", 1), 0);
  EXPECT_EQ(created_utc(), "1970-01-01T23:59:59Z");
  ASSERT_EQ(setenv("SOURCE_DATE_EPOCH", "yesterday", 1), 0);
  const std::string fallback = created_utc();
  ASSERT_EQ(unsetenv("SOURCE_DATE_EPOCH"), 0);
  // The clock created_utc reads: std::time may use a coarse clock a tick behind it, which failed this test
  // when a second turned between the two reads.
  const auto seconds_now = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const auto before = seconds_now();
  const std::string now = created_utc();
  const auto after = seconds_now();
  EXPECT_TRUE(now == utc_iso8601(before) || now == utc_iso8601(after)) << now;
  EXPECT_GE(fallback, utc_iso8601(before - 5)) << fallback;  // ISO 8601 sorts as time does
}

}  // namespace
}  // namespace hedgesim::results
