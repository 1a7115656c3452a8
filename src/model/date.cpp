// Civil-calendar conversions via C++20 <chrono>.
#include "model/date.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace hedgesim {

std::optional<Date> make_date(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date{static_cast<int>(std::chrono::sys_days{ymd}.time_since_epoch().count())};
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    // Digits only: from_chars alone would also take a sign ("-019-08-01", "2019--1-01").
    for (std::size_t i = pos; i < pos + len; ++i)
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int v = 0;
    const char* first = text.data() + pos;
    const auto [ptr, ec] = std::from_chars(first, first + len, v);
    if (ec != std::errc{} || ptr != first + len) return std::nullopt;
    return v;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *m < 1 || *d < 1) return std::nullopt;
  return make_date(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
}

std::string format_date(Date d) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d.days}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int year_of(Date d) {
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{d.days}}}.year());
}

}  // namespace hedgesim
