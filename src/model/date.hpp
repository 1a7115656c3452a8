// Calendar dates as whole days since 1970-01-01 (std::chrono civil calendar), with ISO-8601 parsing and
// formatting. Dates are resolved to step indices once, when a scenario is compiled.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hedgesim {

struct Date {
  int days = 0;  ///< days since 1970-01-01
  friend bool operator==(Date, Date) = default;
  friend auto operator<=>(Date, Date) = default;
};

/// A valid calendar date from year/month/day, or nullopt (e.g. 2019-02-30).
std::optional<Date> make_date(int year, unsigned month, unsigned day);
/// Parses exactly "YYYY-MM-DD"; nullopt if the text is not a valid calendar date.
std::optional<Date> parse_date(std::string_view text);
/// "YYYY-MM-DD".
std::string format_date(Date d);
/// The calendar year of a date.
int year_of(Date d);

}  // namespace hedgesim
