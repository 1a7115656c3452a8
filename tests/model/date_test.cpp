// Tests of the calendar dates: days since 1970-01-01, strict YYYY-MM-DD parsing (real calendar dates only,
// leap years included) and formatting, and that formatting and parsing are inverse to each other.
#include "model/date.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hedgesim {
namespace {

int days(std::string_view text) {
  const auto d = parse_date(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d ? d->days : -999999;
}

TEST(Date, EpochAndKnownDays) {
  EXPECT_EQ(days("1970-01-01"), 0);
  EXPECT_EQ(days("1970-01-02"), 1);
  EXPECT_EQ(days("1969-12-31"), -1);
  EXPECT_EQ(days("1971-01-01"), 365);
  EXPECT_EQ(days("2000-01-01"), 10957);  // 30 years, 7 of them leap (1972 ... 1996)
  EXPECT_EQ(days("2000-03-01"), 10957 + 31 + 29);
  EXPECT_EQ(days("2019-08-01"), 18109);  // 49 years with 12 leap days, then 212 days of 2019
}

TEST(Date, DifferencesAcrossMonthsAndYears) {
  // The docs' example: the veto of 2019-10-18 is day 78 of a scenario starting 2019-08-01.
  EXPECT_EQ(days("2019-10-18") - days("2019-08-01"), 78);
  EXPECT_EQ(days("2020-03-25") - days("2019-08-01"), 237);
  EXPECT_EQ(days("2020-03-01") - days("2020-02-28"), 2);  // 2020 is a leap year
  EXPECT_EQ(days("2019-03-01") - days("2019-02-28"), 1);
  EXPECT_EQ(days("2021-01-01") - days("2020-01-01"), 366);
}

TEST(Date, LeapDays) {
  EXPECT_TRUE(parse_date("2020-02-29").has_value());
  EXPECT_TRUE(parse_date("2000-02-29").has_value());  // divisible by 400
  EXPECT_FALSE(parse_date("2019-02-29").has_value());
  EXPECT_FALSE(parse_date("1900-02-29").has_value());  // divisible by 100, not by 400
  EXPECT_FALSE(parse_date("2100-02-29").has_value());
}

TEST(Date, InvalidCalendarDates) {
  for (const char* text : {"2019-02-30", "2019-13-45", "2019-13-01", "2019-00-10", "2019-01-00", "2019-04-31",
                           "2019-06-31", "2019-01-32"})
    EXPECT_FALSE(parse_date(text).has_value()) << text;
}

TEST(Date, WrongFormats) {
  for (const char* text :
       {"", "2019-8-1", "2019-08-1", "19-08-01", "2019/08/01", "20190801", "2019-08-01T00:00", " 2019-08-01",
        "2019-08-01 ", "2019-08-0 ", "abcd-ef-gh", "2019-0a-01", "01-08-2019", "-019-08-01", "+019-08-01",
        "2019--1-01", "2019-01--1", "2019-+1-01"})
    EXPECT_FALSE(parse_date(text).has_value()) << "'" << text << "'";
}

TEST(Date, MakeDate) {
  ASSERT_TRUE(make_date(2019, 8, 1).has_value());
  EXPECT_EQ(make_date(2019, 8, 1)->days, 18109);
  EXPECT_EQ(make_date(1970, 1, 1)->days, 0);
  EXPECT_TRUE(make_date(2020, 2, 29).has_value());
  EXPECT_FALSE(make_date(2019, 2, 29).has_value());
  EXPECT_FALSE(make_date(2019, 0, 1).has_value());
  EXPECT_FALSE(make_date(2019, 13, 1).has_value());
  EXPECT_FALSE(make_date(2019, 1, 0).has_value());
}

TEST(Date, Format) {
  EXPECT_EQ(format_date(Date{0}), "1970-01-01");
  EXPECT_EQ(format_date(Date{-1}), "1969-12-31");
  EXPECT_EQ(format_date(Date{18109}), "2019-08-01");
  EXPECT_EQ(format_date(Date{18109 + 78}), "2019-10-18");
  EXPECT_EQ(format_date(Date{10957 + 31 + 28}), "2000-02-29");
  EXPECT_EQ(format_date(*make_date(987, 6, 5)), "0987-06-05");  // zero-padded to four digits
}

TEST(Date, FormatThenParseIsIdentityDayByDay) {
  // Every day of 2019-2021 (two year ends, one leap day), each exactly one day after the previous.
  const Date first = *parse_date("2019-01-01");
  std::string previous;
  for (int d = first.days; d < first.days + 3 * 365 + 1; ++d) {
    const std::string text = format_date(Date{d});
    ASSERT_EQ(text.size(), 10u);
    ASSERT_GT(text, previous);  // ISO dates sort like the days they name
    const auto back = parse_date(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(back->days, d) << text;
    previous = text;
  }
  EXPECT_EQ(previous, "2021-12-31");
}

TEST(Date, ParseThenFormatIsIdentityOverFourDigitYears) {
  const int lo = make_date(1, 1, 1)->days, hi = make_date(9999, 12, 31)->days;
  for (int d = lo; d <= hi; d += 97)
    ASSERT_EQ(parse_date(format_date(Date{d}))->days, d);
  EXPECT_EQ(format_date(Date{hi}), "9999-12-31");
  EXPECT_EQ(format_date(Date{lo}), "0001-01-01");
}

TEST(Date, Comparisons) {
  const Date a = *parse_date("2019-08-01"), b = *parse_date("2020-06-30");
  EXPECT_LT(a, b);
  EXPECT_GT(b, a);
  EXPECT_EQ(a, *make_date(2019, 8, 1));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace hedgesim
